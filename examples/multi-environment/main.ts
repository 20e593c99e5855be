/**
 * Prints the multi-environment example's verdicts and residual obligations:
 *
 *   npx tsx --conditions=@musil/source examples/multi-environment/main.ts
 */
import { report } from './multi-environment.ts'

console.log(report('no-retry'))
console.log()
console.log(report('retry-with-backoff'))
