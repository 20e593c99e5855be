// Scenarios that reach outside the simulation, for the test that the I/O boundary holds in a
// sweep's worker threads too, not only in the process that called explore().
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineScenario } from '@musil/vitest/target'

/** A path no run may create. */
export const NEVER_WRITTEN = join(tmpdir(), 'musil-sweep-boundary-never-written')

/** Waits on a real timer after a virtual sleep. */
export const realTimer = defineScenario(async (world) => {
  world.always(() => true, 'ran')
  await world.sleep(1)
  await new Promise((resolve) => setTimeout(resolve, 1))
})

/** Writes a real file, and swallows the error: the run must fail all the same. */
export const realWrite = defineScenario(async (world) => {
  world.always(() => !existsSync(NEVER_WRITTEN), 'nothing written')
  await world.sleep(1)
  try {
    writeFileSync(NEVER_WRITTEN, 'x')
  } catch {
    // caught on purpose
  }
})
