---------------------------- MODULE MCTwoPhase ----------------------------
(* The bench's model of Lamport's TwoPhase for TLC: seven resource managers *)
(* given as model values r1..r7, the ones musil's port names.  TwoPhase.tla *)
(* and TCommit.tla come from tlaplus/Examples (specifications/             *)
(* transaction_commit); check.bench.ts copies them next to this file.      *)
EXTENDS TwoPhase

CONSTANTS r1, r2, r3, r4, r5, r6, r7

SevenRMs == {r1, r2, r3, r4, r5, r6, r7}

\* TCommit's consistency invariant, the one musil's model checks.
Consistent == TC!TCConsistent
=============================================================================
