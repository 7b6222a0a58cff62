// SPDX-License-Identifier: AGPL-3.0-or-later

'use strict';
// Starts environment.py (Orthanc with DICOMweb and this plugin, test studies, OHIF's
// static servers) and hands its description to the tests. Stopping it closes its
// standard input, which is also what happens if this process dies: it never outlives us.
// It finds its Python package through PYTHONPATH, which run-e2e.sh sets.

const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const START_TIMEOUT_MS = 180_000;   // four Orthancs, four series, two hard-linked OHIF copies: ~20 s
const STOP_TIMEOUT_MS = 90_000;     // Orthanc needs ~3.5 s to stop; the four stop in parallel

async function startEnvironment({ ohifDist, workDir, slices }) {
  const child = spawn('python3', [path.join(__dirname, 'environment.py'), '--ohif', ohifDist, '--work', workDir,
    '--slices', String(slices)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const firstLine = new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line));
    exited.then(({ code, signal }) => reject(new Error(`environment.py exited (${code ?? signal}) before describing the servers`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`environment.py did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS);
  });

  let description;
  try {
    description = JSON.parse(await Promise.race([firstLine, timeout]));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
  if (description.error) {
    await stopProcess(child, exited);
    throw new Error(`environment.py could not start the servers: ${description.error}`);
  }

  return { ...description, stop: () => stopProcess(child, exited) };
}

async function stopProcess(child, exited) {
  child.stdin.end();
  let timer;
  const killed = new Promise((resolve) => {
    timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ code: null, signal: 'SIGKILL' }); }, STOP_TIMEOUT_MS);
  });
  const { code, signal } = await Promise.race([exited, killed]);
  clearTimeout(timer);
  if (code !== 0) {
    throw new Error(`environment.py ended with ${code ?? signal}: an Orthanc did not stop cleanly (see above)`);
  }
}

module.exports = { startEnvironment };
