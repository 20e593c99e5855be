import { explore } from '@musil/core'
import { election } from './examples/raft-election/raft-election.ts'

await explore(election(), { seeds: 100 })
const t0 = performance.now()
await explore(election(), { seeds: 2000 })
console.log('seeds/s', ((2000 / (performance.now() - t0)) * 1000).toFixed(0))
