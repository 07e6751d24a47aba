// Sharding a sweep: shard I of N (1-based, as `--shard 2/4` reads) owns the grid points whose 0-based index
// is I−1 modulo N. Round-robin keeps shards balanced when neighbouring points cost alike (the first axes vary
// slowest, so a block partition would give one shard all the big machines). `--shard auto` takes I and N from
// the cluster's job-array environment.
import { InputError } from "../../isa/errors.js";

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export const WHOLE_GRID: Shard = { index: 1, count: 1 };

/** The grid indices shard `s` owns, ascending. */
export function shardIndices(points: number, s: Shard): number[] {
  const out: number[] = [];
  for (let i = s.index - 1; i < points; i += s.count) out.push(i);
  return out;
}

const UINT = /^\s*\d+\s*$/;

/** Parses `--shard I/N`. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new InputError(`--shard '${text}': expected I/N (shard I of N, numbered from 1) or auto`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || !Number.isSafeInteger(count)) throw new InputError(`--shard '${text}': N must be at least 1`);
  if (index < 1 || index > count)
    throw new InputError(
      `--shard '${text}': shards are numbered 1 to ${count} (shard I of N, as in --shard 1/${count})`,
    );
  return { index, count };
}

type Env = Readonly<Record<string, string | undefined>>;

function intVar(env: Env, name: string, why: string): number {
  const v = env[name];
  if (v === undefined) throw new InputError(`--shard auto: ${name} is not set (${why})`);
  if (!UINT.test(v)) throw new InputError(`--shard auto: ${name}='${v}' is not a whole number`);
  return Number(v);
}

/**
 * The shard of this process from Slurm's array variables or a Kubernetes Indexed Job's completion index.
 * `shards` is `--shards N`: required for Kubernetes (which does not pass the completion count to pods), and
 * checked against Slurm's count when given.
 */
export function shardFromEnv(env: Env, shards?: number): Shard {
  const slurm = env["SLURM_ARRAY_TASK_ID"];
  const k8s = env["JOB_COMPLETION_INDEX"];
  if (slurm !== undefined && k8s !== undefined)
    throw new InputError(
      `--shard auto: both SLURM_ARRAY_TASK_ID (${slurm}) and JOB_COMPLETION_INDEX (${k8s}) are set; give --shard I/N`,
    );
  if (slurm !== undefined) return slurmShard(env, shards);
  if (k8s !== undefined) {
    const index = intVar(env, "JOB_COMPLETION_INDEX", "");
    if (shards === undefined)
      throw new InputError(
        `--shard auto: a Kubernetes Indexed Job (JOB_COMPLETION_INDEX=${index}) does not say how many shards there are; add --shards N (the Job's completions)`,
      );
    if (index >= shards)
      throw new InputError(
        `--shard auto: JOB_COMPLETION_INDEX=${index} is outside --shards ${shards} (indices run 0 to ${shards - 1})`,
      );
    return { index: index + 1, count: shards };
  }
  if (env["SLURM_JOB_ID"] !== undefined)
    throw new InputError(
      `--shard auto: this Slurm job (SLURM_JOB_ID=${env["SLURM_JOB_ID"]}) is not an array job; submit it with sbatch --array=0-<N-1>, or give --shard I/N`,
    );
  throw new InputError(
    "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm array job) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; give --shard I/N",
  );
}

/**
 * Slurm numbers array tasks by the indices given to --array (0-3, 1-4, 10-40:10 …); sumac numbers shards by
 * position in that range, so the array must be one evenly spaced range whatever its first index.
 */
function slurmShard(env: Env, shards?: number): Shard {
  const why = "Slurm sets it in every array task";
  const id = intVar(env, "SLURM_ARRAY_TASK_ID", why);
  const count = intVar(env, "SLURM_ARRAY_TASK_COUNT", why);
  const min = intVar(env, "SLURM_ARRAY_TASK_MIN", why);
  const max = env["SLURM_ARRAY_TASK_MAX"] === undefined ? undefined : intVar(env, "SLURM_ARRAY_TASK_MAX", why);
  const step = env["SLURM_ARRAY_TASK_STEP"] === undefined ? 1 : intVar(env, "SLURM_ARRAY_TASK_STEP", why);
  const vars = `SLURM_ARRAY_TASK_ID=${id} MIN=${min}${max === undefined ? "" : ` MAX=${max}`} STEP=${step} COUNT=${count}`;
  if (count < 1 || step < 1) throw new InputError(`--shard auto: inconsistent Slurm array (${vars})`);
  if (max !== undefined && (max < min || (max - min) % step !== 0 || (max - min) / step + 1 !== count))
    throw new InputError(
      `--shard auto: the Slurm array is not one evenly spaced range (${vars}); submit with --array=A-B or --array=A-B:S`,
    );
  if (id < min || (id - min) % step !== 0 || (id - min) / step >= count)
    throw new InputError(`--shard auto: SLURM_ARRAY_TASK_ID is not an index of the array (${vars})`);
  if (shards !== undefined && shards !== count)
    throw new InputError(`--shard auto: --shards ${shards} disagrees with the Slurm array's ${count} tasks (${vars})`);
  return { index: (id - min) / step + 1, count };
}
