/**
 * Two-phase commit, a line-by-line port of Lamport's TLA+ `TwoPhase` specification. Resource
 * managers are named `r1`..`rN`; message sets are kept as a set of Prepared senders plus two
 * flags, which is exactly TLA+'s `msgs` set for this protocol.
 */
import { action, defineModel, type Model } from '@musil/core'

/** A resource manager's state. */
export type RmState = 'working' | 'prepared' | 'committed' | 'aborted'

/** The global state of TwoPhase. */
export interface TwoPhaseState {
  readonly rmState: Readonly<Record<string, RmState>>
  readonly tmState: 'init' | 'committed' | 'aborted'
  readonly tmPrepared: ReadonlySet<string>
  /** The messages sent so far: Prepared(rm) for each rm here, plus Commit and Abort. */
  readonly msgs: {
    readonly prepared: ReadonlySet<string>
    readonly commit: boolean
    readonly abort: boolean
  }
}

/** Resource manager names `r1`..`rN`. */
export function resourceManagers(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `r${i + 1}`)
}

const withRm = (s: TwoPhaseState, rm: string, v: RmState): TwoPhaseState => ({
  ...s,
  rmState: { ...s.rmState, [rm]: v },
})

/** TwoPhase with `n` resource managers (TLC: 288 distinct states for 3, 8,832 for 5). */
export function twoPhaseCommit(
  n: number,
  options: { symmetry?: (s: TwoPhaseState) => TwoPhaseState } = {},
): Model<TwoPhaseState> {
  const rms = resourceManagers(n)
  const all = () => rms
  return defineModel<TwoPhaseState>({
    name: `two-phase-commit(${n})`,
    init: {
      rmState: Object.fromEntries(rms.map((rm) => [rm, 'working' as const])),
      tmState: 'init',
      tmPrepared: new Set(),
      msgs: { prepared: new Set(), commit: false, abort: false },
    },
    actions: [
      action(
        'TMCommit',
        (s) => s.tmState === 'init' && s.tmPrepared.size === rms.length,
        (s) => ({
          ...s,
          tmState: 'committed',
          msgs: { ...s.msgs, commit: true },
        }),
      ),
      action(
        'TMAbort',
        (s) => s.tmState === 'init',
        (s) => ({
          ...s,
          tmState: 'aborted',
          msgs: { ...s.msgs, abort: true },
        }),
      ),
      action.each(
        'TMRcvPrepared',
        all,
        (s, rm) => s.tmState === 'init' && s.msgs.prepared.has(rm),
        (s, rm) => ({ ...s, tmPrepared: new Set(s.tmPrepared).add(rm) }),
      ),
      action.each(
        'RMPrepare',
        all,
        (s, rm) => s.rmState[rm] === 'working',
        (s, rm) => ({
          ...withRm(s, rm, 'prepared'),
          msgs: { ...s.msgs, prepared: new Set(s.msgs.prepared).add(rm) },
        }),
      ),
      action.each(
        'RMChooseToAbort',
        all,
        (s, rm) => s.rmState[rm] === 'working',
        (s, rm) => withRm(s, rm, 'aborted'),
      ),
      action.each(
        'RMRcvCommitMsg',
        all,
        (s) => s.msgs.commit,
        (s, rm) => withRm(s, rm, 'committed'),
      ),
      action.each(
        'RMRcvAbortMsg',
        all,
        (s) => s.msgs.abort,
        (s, rm) => withRm(s, rm, 'aborted'),
      ),
    ],
    invariants: {
      consistent: (s) =>
        !(
          Object.values(s.rmState).includes('committed') &&
          Object.values(s.rmState).includes('aborted')
        ),
    },
    ...(options.symmetry && { symmetry: options.symmetry }),
  })
}
