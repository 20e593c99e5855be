// The chapter as Vitest simulation tests: one test per seed, the report checked by matchers.
import { simTest } from '@musil/vitest'
import { expect } from 'vitest'
import {
  caughtUp,
  lossyLink,
  routeNodes,
  routeSnapshot,
  routesModel,
  simulateRouteDelivery,
} from './reconciliation-under-loss.ts'

const options = {
  snapshot: routeSnapshot,
  network: lossyLink,
  model: routesModel(),
  abstraction: (w: ReturnType<typeof routeSnapshot>) => w,
  goal: caughtUp,
  goalName: 'applied==desired',
}

simTest.each([0, 1, 2, 3, 4])('re-push converges and refines the design', ({ simulate }) => {
  const report = simulate(routeNodes(true), options)
  expect(report).toConverge()
  expect(report).toRefine()
})

// The seed the chapter's sweep finds first: fire-and-forget misses its goal there, every time.
const lost = simulateRouteDelivery(false).failure!.seed
simTest.each([lost])('fire-and-forget misses its goal when the push is lost', ({ simulate }) => {
  expect(simulate(routeNodes(false), options)).not.toConverge()
})
