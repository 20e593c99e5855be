/**
 * Primary-backup replication (Budhiraja, Marzullo, Schneider and Toueg, "The primary-backup
 * approach", 1993): a client writes to a primary, the primary keeps a backup's copy up to date,
 * and when the primary crashes the backup takes over.
 *
 * The specification is a single-copy register: writes take effect one at a time and each is
 * acknowledged after it took effect. The protocol must look like that register to the client,
 * whatever the crash of the primary does.
 */
import { action, defineModel, type Model } from '@musil/core'

/** The single-copy register: the value it holds (writes are 1, 2, ...), and the writes acknowledged. */
export interface Register {
  readonly value: number
  readonly acked: number
}

/**
 * The specification: one copy, `writes` writes made one at a time. A write takes effect
 * (`apply`), then is acknowledged (`ack`); nothing else ever changes the register, so an
 * acknowledged write is never lost.
 */
export function singleRegister(writes: number): Model<Register> {
  return defineModel<Register>({
    name: `single-copy register (${writes} writes)`,
    init: { value: 0, acked: 0 },
    actions: [
      action(
        'apply',
        (s) => s.value === s.acked && s.value < writes,
        (s) => ({ ...s, value: s.value + 1 }),
      ),
      action(
        'ack',
        (s) => s.acked < s.value,
        (s) => ({ ...s, acked: s.acked + 1 }),
      ),
    ],
    terminal: (s) => s.acked === writes,
  })
}
