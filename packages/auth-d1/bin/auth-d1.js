#!/usr/bin/env node
// The CLI is built into dist/. This stub exists before the first build, so a workspace install can link
// the `auth-d1` command, which then works as soon as the package is built.
import "../dist/cli.js";
