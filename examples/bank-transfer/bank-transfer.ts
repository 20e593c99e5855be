/**
 * Bank transfers between accounts, each account guarded by its own lock. A transfer locks both
 * accounts, debits one, credits the other and unlocks. Locking "source first, then destination"
 * deadlocks as soon as two transfers run in opposite directions; locking in one global order
 * (by account id) cannot. Money is conserved throughout, in the broken design and in the fix.
 */
import { action, defineModel, type Model } from '@musil/core'

/** One transfer job, run by its own thread. */
export interface Transfer {
  /** Names the transfer in traces: `lockFirst(t1)`. */
  readonly id: string
  readonly from: string
  readonly to: string
  readonly amount: number
}

/** Where a transfer's thread is. */
export type TransferPc =
  | 'start'
  /** Holds its first lock. */
  | 'lockedOne'
  /** Holds both locks. */
  | 'lockedBoth'
  /** Money taken from the source, not yet given to the destination: in flight. */
  | 'debited'
  /** Money arrived, or the transfer was declined for lack of funds; still holds both locks. */
  | 'settled'
  | 'done'

/** Balances, lock holders (a transfer id, or null) and every transfer's program counter. */
export interface Bank {
  readonly balance: Readonly<Record<string, number>>
  readonly lockedBy: Readonly<Record<string, string | null>>
  readonly pc: Readonly<Record<string, TransferPc>>
}

/**
 * The order in which a transfer takes its two locks:
 * - `source-first`: the source account, then the destination (the deadlock);
 * - `by-account-id`: the account whose id sorts first, then the other (the fix).
 */
export type LockOrder = 'source-first' | 'by-account-id'

/** Options of {@link bankTransfer}. */
export interface BankOptions {
  /** Opening balance of every account (default: alice 100, bob 50). */
  readonly accounts?: Readonly<Record<string, number>>
  /** The transfers running concurrently (default: alice pays bob 30 while bob pays alice 80). */
  readonly transfers?: readonly Transfer[]
  /** Lock order (default `source-first`). */
  readonly lockOrder?: LockOrder
}

/** The default scenario: two transfers in opposite directions between two accounts. */
export const OPPOSITE_TRANSFERS: readonly Transfer[] = [
  { id: 't1', from: 'alice', to: 'bob', amount: 30 },
  { id: 't2', from: 'bob', to: 'alice', amount: 80 },
]

const DEFAULT_ACCOUNTS: Readonly<Record<string, number>> = { alice: 100, bob: 50 }

/** The two accounts of `t` in the order they are locked. */
export function lockSequence(t: Transfer, order: LockOrder): readonly [string, string] {
  if (order === 'source-first') return [t.from, t.to]
  return t.from < t.to ? [t.from, t.to] : [t.to, t.from]
}

/** Money held in accounts plus money in flight (debited, not yet credited). */
export function moneyInSystem(s: Bank, transfers: readonly Transfer[]): number {
  let total = 0
  for (const v of Object.values(s.balance)) total += v
  for (const t of transfers) if (s.pc[t.id] === 'debited') total += t.amount
  return total
}

/**
 * Concurrent transfers over locked accounts. Invariants: money is conserved (balances plus
 * money in flight always equal the opening total) and no account is overdrawn. All transfers
 * done is terminal; any other state without successors is a deadlock.
 *
 * @example
 * check(bankTransfer()).violation?.kind                              // 'deadlock'
 * check(bankTransfer({ lockOrder: 'by-account-id' })).ok             // true
 */
export function bankTransfer({
  accounts = DEFAULT_ACCOUNTS,
  transfers = OPPOSITE_TRANSFERS,
  lockOrder = 'source-first',
}: BankOptions = {}): Model<Bank> {
  validate(accounts, transfers)
  const byId = new Map(transfers.map((t) => [t.id, t]))
  const ids = (): Iterable<string> => byId.keys()
  const tx = (id: string): Transfer => byId.get(id)!
  const locks = (id: string): readonly [string, string] => lockSequence(tx(id), lockOrder)
  const opening = Object.values(accounts).reduce((a, b) => a + b, 0)
  const at = (s: Bank, id: string, pc: TransferPc): Bank['pc'] => ({ ...s.pc, [id]: pc })
  const take = (s: Bank, account: string, id: string | null): Bank['lockedBy'] => ({
    ...s.lockedBy,
    [account]: id,
  })
  const credit = (s: Bank, account: string, amount: number): Bank['balance'] => ({
    ...s.balance,
    [account]: s.balance[account]! + amount,
  })

  return defineModel<Bank>({
    name: `bank-transfer(${lockOrder})`,
    init: {
      balance: { ...accounts },
      lockedBy: Object.fromEntries(Object.keys(accounts).map((a) => [a, null])),
      pc: Object.fromEntries(transfers.map((t) => [t.id, 'start'])),
    },
    actions: [
      action.each<Bank, string>(
        'lockFirst',
        ids,
        (s, id) => s.pc[id] === 'start' && s.lockedBy[locks(id)[0]] === null,
        (s, id) => ({ ...s, lockedBy: take(s, locks(id)[0], id), pc: at(s, id, 'lockedOne') }),
      ),
      action.each<Bank, string>(
        'lockSecond',
        ids,
        (s, id) => s.pc[id] === 'lockedOne' && s.lockedBy[locks(id)[1]] === null,
        (s, id) => ({ ...s, lockedBy: take(s, locks(id)[1], id), pc: at(s, id, 'lockedBoth') }),
      ),
      // The balance check and the debit are one step: both locks are held, nobody else can interfere.
      action.each<Bank, string>(
        'debit',
        ids,
        (s, id) => s.pc[id] === 'lockedBoth',
        (s, id) => {
          const t = tx(id)
          if (s.balance[t.from]! < t.amount) return { ...s, pc: at(s, id, 'settled') }
          return { ...s, balance: credit(s, t.from, -t.amount), pc: at(s, id, 'debited') }
        },
      ),
      action.each<Bank, string>(
        'credit',
        ids,
        (s, id) => s.pc[id] === 'debited',
        (s, id) => ({
          ...s,
          balance: credit(s, tx(id).to, tx(id).amount),
          pc: at(s, id, 'settled'),
        }),
      ),
      action.each<Bank, string>(
        'unlock',
        ids,
        (s, id) => s.pc[id] === 'settled',
        (s, id) => {
          const [a, b] = locks(id)
          const lockedBy = { ...s.lockedBy, [a]: null, [b]: null }
          return { ...s, lockedBy, pc: at(s, id, 'done') }
        },
      ),
    ],
    invariants: {
      moneyConserved: (s) => moneyInSystem(s, transfers) === opening,
      noOverdraft: (s) => Object.values(s.balance).every((b) => b >= 0),
    },
    terminal: (s) => transfers.every((t) => s.pc[t.id] === 'done'),
  })
}

function validate(
  accounts: Readonly<Record<string, number>>,
  transfers: readonly Transfer[],
): void {
  const seen = new Set<string>()
  for (const t of transfers) {
    if (seen.has(t.id)) {
      throw new RangeError(
        `bankTransfer: two transfers have the id '${t.id}'; give each transfer its own id`,
      )
    }
    seen.add(t.id)
    for (const a of [t.from, t.to]) {
      if (!(a in accounts)) {
        throw new RangeError(
          `bankTransfer: transfer '${t.id}' names account '${a}', which is not in accounts (${Object.keys(accounts).join(', ')})`,
        )
      }
    }
    if (t.from === t.to) {
      throw new RangeError(
        `bankTransfer: transfer '${t.id}' moves money from '${t.from}' to itself; a transfer needs two accounts`,
      )
    }
    if (!(Number.isInteger(t.amount) && t.amount > 0)) {
      throw new RangeError(
        `bankTransfer: transfer '${t.id}' has amount ${t.amount}; amounts are positive integers`,
      )
    }
  }
}
