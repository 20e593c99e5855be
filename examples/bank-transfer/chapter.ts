import { check } from '@musil/core'
import { type Chapter, count } from '../chapter.ts'
import { bankTransfer } from './bank-transfer.ts'

/** Opposite transfers deadlock on their locks; a global lock order fixes it, money conserved throughout. */
export const bankTransferChapter: Chapter = {
  id: 'bank-transfer',
  title: 'Bank transfer',
  part: 'Shared-memory concurrency',
  bug() {
    const r = check(bankTransfer())
    const v = r.violation
    // The deadlock is the bug; conservation must still hold in every state the broken design reaches.
    const conserved = check(bankTransfer(), { deadlock: false }).ok
    return {
      ok: v?.kind === 'deadlock' && conserved,
      summary: v
        ? `deadlock: trace of ${v.trace.length} states (money conserved in all states)`
        : 'no deadlock found',
    }
  },
  fix() {
    const r = check(bankTransfer({ lockOrder: 'by-account-id' }))
    return {
      ok: r.ok && r.stats.distinct === 20,
      summary: r.ok
        ? `${count(r.stats.distinct)} states, no deadlock, money conserved`
        : `${r.violation?.name ?? r.incomplete?.message}`,
    }
  },
}
