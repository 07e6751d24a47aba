#!/usr/bin/env node
// The `sumac` executable: runs the CLI with the real process streams and file system.
import { main, nodeIo } from "./main.js";

process.exitCode = await main(process.argv.slice(2), nodeIo());
