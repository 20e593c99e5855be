/**
 * Every chapter of the textbook, in reading order, grouped by part. `npm run textbook` runs
 * them all.
 */
import { asyncLostUpdateChapter } from './async-lost-update/chapter.ts'
import { atomicCommitChapter } from './atomic-commit/chapter.ts'
import { bankTransferChapter } from './bank-transfer/chapter.ts'
import { byzantineServiceChapter } from './byzantine-service/chapter.ts'
import type { Chapter } from './chapter.ts'
import { crdtsChapter } from './crdts/chapter.ts'
import { dieHardChapter } from './die-hard/chapter.ts'
import { diningPhilosophersChapter } from './dining-philosophers/chapter.ts'
import { failureDetectorChapter } from './failure-detector/chapter.ts'
import { idempotentReceiverChapter } from './idempotent-receiver/chapter.ts'
import { k8sSchedulerChapter } from './k8s-scheduler/chapter.ts'
import { leaderElectionChapter } from './leader-election/chapter.ts'
import { linearizableKvChapter } from './linearizable-kv/chapter.ts'
import { lockFencingChapter } from './lock-fencing/chapter.ts'
import { lostUpdateChapter } from './lost-update/chapter.ts'
import { mesiChapter } from './mesi/chapter.ts'
import { multiEnvironmentChapter } from './multi-environment/chapter.ts'
import { outboxChapter } from './outbox/chapter.ts'
import { partitionAndHealChapter } from './partition-and-heal/chapter.ts'
import { paxosChapter } from './paxos/chapter.ts'
import { petersonChapter } from './peterson/chapter.ts'
import { primaryBackupChapter } from './primary-backup/chapter.ts'
import { producerConsumerChapter } from './producer-consumer/chapter.ts'
import { quorumChapter } from './quorum/chapter.ts'
import { raftElectionChapter } from './raft-election/chapter.ts'
import { readersWritersChapter } from './readers-writers/chapter.ts'
import { reconciliationUnderLossChapter } from './reconciliation-under-loss/chapter.ts'
import { routeDeliveryChapter } from './route-delivery/chapter.ts'
import { serviceLifecycleChapter } from './service-lifecycle/chapter.ts'
import { tcasChapter } from './tcas/chapter.ts'
import { tcpHandshakeChapter } from './tcp-handshake/chapter.ts'
import { tokenRingChapter } from './token-ring/chapter.ts'
import { trafficLightChapter } from './traffic-light/chapter.ts'
import { twoGeneralsChapter } from './two-generals/chapter.ts'
import { visibilityTimeoutChapter } from './visibility-timeout/chapter.ts'

const finiteStateMachines: Chapter[] = [
  dieHardChapter,
  trafficLightChapter,
  serviceLifecycleChapter,
]

const sharedMemory: Chapter[] = [
  lostUpdateChapter,
  petersonChapter,
  diningPhilosophersChapter,
  bankTransferChapter,
  readersWritersChapter,
  producerConsumerChapter,
]

const distributed: Chapter[] = [
  reconciliationUnderLossChapter,
  partitionAndHealChapter,
  routeDeliveryChapter,
  raftElectionChapter,
  linearizableKvChapter,
]

// Issue 12 (part 1 of the roadmap): each helper appends its chapters to its own section.
const agreementAndCoordination: Chapter[] = [
  twoGeneralsChapter,
  atomicCommitChapter,
  leaderElectionChapter,
  paxosChapter,
  lockFencingChapter,
]

const replicationAndConsistency: Chapter[] = [quorumChapter, primaryBackupChapter, crdtsChapter]

// Issue 13 (part 2 of the roadmap).
const messagingPatterns: Chapter[] = [
  visibilityTimeoutChapter,
  outboxChapter,
  idempotentReceiverChapter,
  failureDetectorChapter,
]

const stateMachinesAndCoherence: Chapter[] = [tcpHandshakeChapter, tokenRingChapter, mesiChapter]

const openSystems: Chapter[] = [
  k8sSchedulerChapter,
  multiEnvironmentChapter,
  tcasChapter,
  byzantineServiceChapter,
]

const asynchronous: Chapter[] = [asyncLostUpdateChapter]

/** The chapters, in reading order. */
export const chapters: readonly Chapter[] = [
  ...finiteStateMachines,
  ...sharedMemory,
  ...distributed,
  ...agreementAndCoordination,
  ...replicationAndConsistency,
  ...messagingPatterns,
  ...stateMachinesAndCoherence,
  ...openSystems,
  ...asynchronous,
]

/** One section of the textbook: a part and its chapters, in reading order. */
export interface Section {
  readonly part: Chapter['part']
  readonly chapters: readonly Chapter[]
}

/**
 * The chapters grouped by part, parts in the order their first chapter appears: what
 * `npm run textbook` prints, one heading per part. A chapter listed away from the rest of its
 * part still prints under its part's heading, never under a second copy of it.
 */
export function sections(list: readonly Chapter[] = chapters): Section[] {
  const byPart = new Map<Chapter['part'], Chapter[]>()
  for (const ch of list) {
    const group = byPart.get(ch.part)
    if (group) group.push(ch)
    else byPart.set(ch.part, [ch])
  }
  return [...byPart].map(([part, chs]) => ({ part, chapters: chs }))
}
