/**
 * seedloop's test suite, one entry per test, and how musil stands to each: an equivalent test
 * that passes, a deliberate difference (the musil test asserts musil's behaviour; the reason says
 * why it differs), or not applicable (JavaScript makes the original meaningless; the musil test
 * asserts the nearest behaviour that does mean something).
 *
 * Source: github.com/klimavojtech2002/seedloop, tag v0.3.0 (commit 48af7f79), tests/*.py: 106
 * test functions (`def test_*`; a parametrised one counts once). The test files next to this one
 * port each entry with `seedloopTest(name, ...)`; manifest.test.ts checks that every entry is
 * ported exactly once and that the tally below is what the entries say.
 */

export type Verdict = 'equivalent' | 'difference' | 'not-applicable'

export interface Entry {
  readonly verdict: Verdict
  /** Why musil differs, or why the original means nothing in JavaScript. */
  readonly reason?: string
}

/** The seedloop release the suite was ported from. */
export const SEEDLOOP = { tag: 'v0.3.0', commit: '48af7f790f30b64855736ea33467c885c747393d' }

const same: Entry = { verdict: 'equivalent' }
const differs = (reason: string): Entry => ({ verdict: 'difference', reason })
const na = (reason: string): Entry => ({ verdict: 'not-applicable', reason })

/** The seed, not FIFO order, picks among wake-ups ready at the same instant (DESIGN, async runtime). */
const SEED_PICKS =
  'the seed (or PCT) picks among wake-ups ready at the same instant, where seedloop keeps FIFO order: that choice is what finds ordering bugs'

export const MANIFEST: Readonly<Record<string, Entry>> = {
  // tests/test_audit.py
  'test_audit::test_clean_run_passes_under_audit_with_identical_timeline': same,
  'test_audit::test_real_time_trips': same,
  'test_audit::test_real_wall_clock_trips': same,
  'test_audit::test_os_urandom_trips_under_audit': same,
  'test_audit::test_secrets_trips_under_audit': same,
  'test_audit::test_global_random_trips': same,
  'test_audit::test_audit_covers_every_entropy_drawing_random_function': same,
  'test_audit::test_every_listed_random_function_actually_trips': same,
  'test_audit::test_real_thread_trips_as_boundary': same,
  'test_audit::test_seeded_rng_still_works_under_audit': same,
  'test_audit::test_a_leak_replays_on_its_seed': same,
  'test_audit::test_audit_off_seeds_os_urandom_not_trips': same,
  'test_audit::test_patches_are_restored_after_audit': same,
  'test_audit::test_audit_mode_context_manager_is_exported': same,

  // tests/test_check_sweep.py
  'test_check_sweep::test_all_seeds_pass': same,
  'test_check_sweep::test_sweep_finds_the_failing_seed': same,
  'test_check_sweep::test_explicit_seed_iterable': same,
  'test_check_sweep::test_on_failure_raise_tags_the_seed': differs(
    'explore never throws for a failing seed: it returns a report whose failure carries the seed (Vitest matchers and simTest turn it into a failed test with a replay command), so there is no on_failure switch',
  ),
  'test_check_sweep::test_keyboardinterrupt_propagates_and_is_not_a_failing_seed': na(
    'JavaScript has no KeyboardInterrupt (Ctrl-C ends the process); what must never be mistaken for a failing seed here is a malformed sweep, which rejects explore() itself',
  ),
  'test_check_sweep::test_deadlock_surfaces_as_failure_not_hang': same,
  'test_check_sweep::test_started_node_failure_is_reported': same,
  'test_check_sweep::test_started_node_runs': differs(
    `spawn queues the task's start instead of running it at the next FIFO turn, and ${SEED_PICKS}; a scenario that needs the task to have run awaits its handle's finished`,
  ),

  // tests/test_clock_autojump.py
  'test_clock_autojump::test_sleep_advances_virtual_time_instantly': same,
  'test_clock_autojump::test_sequential_sleeps_sum_in_virtual_time': same,
  'test_clock_autojump::test_replay_equivalence_timed': differs(
    `two timers due at the same instant: ${SEED_PICKS}`,
  ),
  'test_clock_autojump::test_quiescent_run_with_no_timer_raises_deadlock': same,

  // tests/test_entropy.py
  'test_entropy::test_substream_is_deterministic': same,
  'test_entropy::test_substreams_are_distinct': same,
  'test_entropy::test_world_rng_is_the_user_substream_distinct_from_net': same,
  'test_entropy::test_substreams_are_independent': same,
  'test_entropy::test_substream_changes_with_seed': same,
  'test_entropy::test_substream_accepts_any_int_seed': differs(
    'a RandomStream takes any safe integer, negative ones included, but not beyond 2^53: a JavaScript number cannot hold larger integers exactly, so two different seeds would silently name the same stream (a run seed is also non-negative: the seed rule of random/seed.ts)',
  ),
  'test_entropy::test_shim_controls_os_urandom': same,
  'test_entropy::test_shim_controls_secrets_via_random_alias': same,
  'test_entropy::test_shim_restores_originals_on_normal_exit': same,
  'test_entropy::test_shim_restores_originals_even_on_error': same,
  'test_entropy::test_shim_zero_length': same,
  'test_entropy::test_hash_seed_for_is_deterministic_and_in_range': na(
    'JavaScript has no per-process string hash seed (PYTHONHASHSEED); the derived seed musil does have, that of a substream, is checked the same way',
  ),
  'test_entropy::test_ensure_hash_seed_already_pinned_is_noop': na(
    'there is no hash seed to pin: Map and Set iterate in insertion order in every process, so no launcher exists',
  ),
  'test_entropy::test_launcher_pins_hash_order_deterministically': na(
    'there is no launcher; what it protects, the same run in another process or thread, is checked by replaying a seed in a worker thread',
  ),

  // tests/test_errors.py
  'test_errors::test_errors_subclass_seedloop_error': same,
  'test_errors::test_seedloop_error_catches_subclasses': same,

  // tests/test_faults.py
  'test_faults::test_loss_drops_messages_reproducibly': same,
  'test_faults::test_no_loss_drops_nothing': same,
  'test_faults::test_duplication_delivers_twice': same,
  'test_faults::test_partition_cuts_then_heal_restores': same,
  'test_faults::test_reliable_channel_no_loss_in_order': differs(
    'a reliable endpoint delivers everything once and in order, as in seedloop, but asking for loss or duplicate on it is rejected instead of silently ignored, like any option that would do nothing',
  ),
  'test_faults::test_reliable_deliveries_carry_latency_and_are_non_decreasing': same,
  'test_faults::test_replay_equivalence_under_faults': same,
  'test_faults::test_full_loss_recv_deadlocks_not_hang': same,
  'test_faults::test_partition_bug_is_found_and_replays': same,
  'test_faults::test_sweep_finds_a_loss_triggered_failure': same,
  'test_faults::test_fault_draws_do_not_perturb_net_latencies': same,
  'test_faults::test_started_node_is_cancelled_at_teardown': na(
    'a JavaScript promise cannot be cancelled, so there is no teardown that cancels tasks: when the scenario returns the run ends and a task still running is abandoned (it never resumes, and its finished never settles)',
  ),
  'test_faults::test_loss_and_duplicate_must_be_probabilities': same,

  // tests/test_invariants.py
  'test_invariants::test_passing_invariant_does_not_fire_or_change_timeline': same,
  'test_invariants::test_violated_invariant_raises_with_name': same,
  'test_invariants::test_invariant_error_carries_the_violation_time': same,
  'test_invariants::test_invariant_false_at_first_step_fires': same,
  'test_invariants::test_seed_dependent_invariant_is_found_by_sweep': same,
  'test_invariants::test_raising_predicate_propagates': same,
  'test_invariants::test_first_failing_invariant_in_registration_order_is_reported': same,
  'test_invariants::test_invariant_is_exported': same,
  'test_invariants::test_invariants_are_not_checked_during_teardown': na(
    'no teardown runs user code (tasks are abandoned, not cancelled), so nothing can break an invariant after the run; the step in which the scenario returns is still checked, which closes the gap seedloop discloses',
  ),

  // tests/test_loop_boundary.py
  'test_loop_boundary::test_boundary_method_rejected': same,

  // tests/test_loop_integration.py
  'test_loop_integration::test_attaches_via_asyncio_run_loop_factory': na(
    'JavaScript has no pluggable event loop to attach to: a scenario runs through explore or replay, and plain async/await code inside it is scheduled by the run',
  ),
  'test_loop_integration::test_attaches_via_asyncio_runner': na(
    'no asyncio.Runner either: the two entry points, explore and replay, run the same world for a seed',
  ),
  'test_loop_integration::test_cancellation_propagates_cleanly': differs(
    'a pending receive is given up through an AbortSignal (or a timeout), the JavaScript way, not by cancelling its task',
  ),
  'test_loop_integration::test_wait_for_around_fast_body_returns': same,

  // tests/test_loop_order.py
  'test_loop_order::test_call_soon_runs_in_registration_order': differs(
    `tasks spawned together start in the order the seed picks: ${SEED_PICKS}`,
  ),
  'test_loop_order::test_scheduling_is_deterministic_across_runs': same,
  'test_loop_order::test_replay_equivalence_interleaving': differs(
    `two tasks yielding with sleep(0) interleave as the seed picks: ${SEED_PICKS}`,
  ),
  'test_loop_order::test_dynamically_scheduled_callback_runs_after_queued_callbacks': differs(
    `a task spawned while another start is queued may run first: ${SEED_PICKS}`,
  ),
  'test_loop_order::test_cancelled_callback_is_skipped': same,
  'test_loop_order::test_run_until_complete_returns_result': na(
    "a scenario's return value is not the result of a run: explore and replay return a report, and a scenario hands values out through world.record or a closure",
  ),
  'test_loop_order::test_exception_propagates': same,
  'test_loop_order::test_quiescent_run_raises_deadlock': same,

  // tests/test_raft_demo.py
  'test_raft_demo::test_buggy_election_has_split_brain_found_by_the_sweep': same,
  'test_raft_demo::test_failing_seed_replays_identically': same,
  'test_raft_demo::test_correct_election_has_no_split_brain_over_the_same_range': same,
  'test_raft_demo::test_invariant_helpers': same,
  'test_raft_demo::test_majority_threshold_is_strict': same,
  'test_raft_demo::test_election_timeouts_are_seeded': same,

  // tests/test_replay_equivalence.py
  'test_replay_equivalence::test_same_seed_same_timeline': same,
  'test_replay_equivalence::test_replay_reproduces_identically_many_times': same,
  'test_replay_equivalence::test_record_stamps_the_virtual_time': same,
  'test_replay_equivalence::test_different_seeds_can_differ': same,
  'test_replay_equivalence::test_cross_seed_isolation': same,
  'test_replay_equivalence::test_secrets_are_seeded_within_a_run': same,
  'test_replay_equivalence::test_replay_public_entry_runs': same,

  // tests/test_smoke.py
  'test_smoke::test_version_is_string': same,
  'test_smoke::test_public_api_is_exported': same,

  // tests/test_timer_order.py
  'test_timer_order::test_equal_deadlines_fire_in_scheduling_order': differs(
    `timers with equal deadlines fire in the order the seed picks: ${SEED_PICKS}`,
  ),
  'test_timer_order::test_cancelled_timer_does_not_fire': same,
  'test_timer_order::test_cancelling_the_earliest_timer_advances_to_the_next': same,
  'test_timer_order::test_call_soon_runs_before_a_zero_delay_timer': differs(
    `a task start and a zero-delay sleep ready at the same instant run in the order the seed picks: ${SEED_PICKS}`,
  ),

  // tests/test_trace.py
  'test_trace::test_records_in_order': same,
  'test_trace::test_events_is_an_independent_snapshot': same,

  // tests/test_transport.py
  'test_transport::test_two_nodes_exchange_a_message': same,
  'test_transport::test_replay_equivalence_network': same,
  'test_transport::test_reordering_is_reproducible': same,
  'test_transport::test_recv_blocks_then_wakes': same,
  'test_transport::test_recv_with_nothing_sent_deadlocks': same,
  'test_transport::test_bind_twice_raises': same,
  'test_transport::test_concurrent_recv_on_one_endpoint_raises': differs(
    'several receives may wait on one endpoint at once (a pool of tasks serving one address): deliveries go to the longest-waiting one, none lost or doubled, so there is nothing to refuse',
  ),
  'test_transport::test_send_to_unbound_address_is_dropped': same,
}
