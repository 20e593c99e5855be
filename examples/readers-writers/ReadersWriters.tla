---------------------------- MODULE ReadersWriters ----------------------------
(* Cross-check of examples/readers-writers/readers-writers.ts with TLC.          *)
EXTENDS Naturals
CONSTANTS R, Policy  \* Policy \in {"reader-preference", "writer-priority"}
VARIABLES readers, writer
vars == <<readers, writer>>
Readers == 0..(R - 1)

Init == readers = [i \in Readers |-> "idle"] /\ writer = "idle"
MayStartReading ==
  IF Policy = "reader-preference" THEN writer # "writing" ELSE writer = "idle"
StartRead(i) == readers[i] = "idle" /\ MayStartReading
                /\ readers' = [readers EXCEPT ![i] = "reading"] /\ UNCHANGED writer
StopRead(i) == readers[i] = "reading"
               /\ readers' = [readers EXCEPT ![i] = "idle"] /\ UNCHANGED writer
Request == writer = "idle" /\ writer' = "waiting" /\ UNCHANGED readers
StartWrite == writer = "waiting" /\ \A i \in Readers : readers[i] = "idle"
              /\ writer' = "writing" /\ UNCHANGED readers
StopWrite == writer = "writing" /\ writer' = "idle" /\ UNCHANGED readers
Next == \/ \E i \in Readers : StartRead(i) \/ StopRead(i)
        \/ Request \/ StartWrite \/ StopWrite

\* fair: 'all' (every instance weakly fair)
WeakFairness == /\ \A i \in Readers : WF_vars(StartRead(i)) /\ WF_vars(StopRead(i))
                /\ WF_vars(Request) /\ WF_vars(StartWrite) /\ WF_vars(StopWrite)
WeakSpec == Init /\ [][Next]_vars /\ WeakFairness
\* fair: 'all', strongFair: ['startWrite']
FairSchedulerSpec == WeakSpec /\ SF_vars(StartWrite)

ExclusiveWrite == writer = "writing" => \A i \in Readers : readers[i] = "idle"
WriterGetsIn == []<>(writer # "waiting")
===============================================================================
