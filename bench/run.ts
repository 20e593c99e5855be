/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after the other (so
 * they do not compete for the two cores), and prints their output. Pass names to run a subset:
 * `npm run bench -- check simulate`.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('.', import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace('.bench.ts', '')))
  .sort()

let failed = 0
for (const file of files) {
  console.log(`\n=== ${file}`)
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--conditions=@musil/source', '--import', 'tsx', `${dir}${file}`],
    { stdio: 'inherit' },
  )
  if (r.status !== 0) failed++
}
process.exitCode = failed === 0 ? 0 : 1
