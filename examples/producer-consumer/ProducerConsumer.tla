--------------------------- MODULE ProducerConsumer ---------------------------
(* Cross-check of examples/producer-consumer/producer-consumer.ts with TLC.      *)
EXTENDS Naturals
CONSTANTS Capacity, P, C, Put  \* Put \in {"check-then-act", "atomic"}
VARIABLES items, producers, consumers
vars == <<items, producers, consumers>>
Ps == 0..(P - 1)
Cs == 0..(C - 1)

Init == items = 0 /\ producers = [i \in Ps |-> "idle"] /\ consumers = [i \in Cs |-> "idle"]
\* atomic: check and put in one step
PutAtomic(i) == items < Capacity /\ items' = items + 1 /\ UNCHANGED <<producers, consumers>>
\* check-then-act: the put acts on an earlier check
CheckRoom(i) == producers[i] = "idle" /\ items < Capacity
                /\ producers' = [producers EXCEPT ![i] = "sawRoom"] /\ UNCHANGED <<items, consumers>>
PutLate(i) == producers[i] = "sawRoom" /\ items' = items + 1
              /\ producers' = [producers EXCEPT ![i] = "idle"] /\ UNCHANGED consumers
Want(i) == consumers[i] = "idle" /\ consumers' = [consumers EXCEPT ![i] = "waiting"]
           /\ UNCHANGED <<items, producers>>
Take(i) == consumers[i] = "waiting" /\ items > 0 /\ items' = items - 1
           /\ consumers' = [consumers EXCEPT ![i] = "idle"] /\ UNCHANGED producers
Produce == IF Put = "atomic" THEN \E i \in Ps : PutAtomic(i)
           ELSE \E i \in Ps : CheckRoom(i) \/ PutLate(i)
Next == Produce \/ \E i \in Cs : Want(i) \/ Take(i)

\* fair: 'all' on the atomic model
WeakSpec == /\ Init /\ [][Next]_vars
            /\ \A i \in Ps : WF_vars(PutAtomic(i))
            /\ \A i \in Cs : WF_vars(Want(i)) /\ WF_vars(Take(i))
\* fair: 'all', strongFair: ['take']
FairLockSpec == WeakSpec /\ \A i \in Cs : SF_vars(Take(i))

WithinCapacity == items >= 0 /\ items <= Capacity
Consumer0Served == []<>(consumers[0] # "waiting")
Consumer1Served == []<>(consumers[1] # "waiting")
===============================================================================
