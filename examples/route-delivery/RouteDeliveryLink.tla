-------------------------- MODULE RouteDeliveryLink --------------------------
(* Cross-check of routeDeliveryLink() in examples/route-delivery with TLC.      *)
EXTENDS Naturals
CONSTANTS Slots, Repush  \* Repush \in BOOLEAN
VARIABLES desired, applied, inFlight, sent
vars == <<desired, applied, inFlight, sent>>
Init == desired = 1 /\ applied = 0 /\ inFlight = 0 /\ sent = FALSE
MayPush == IF Repush THEN applied < desired ELSE ~sent
Push == MayPush /\ inFlight < Slots /\ inFlight' = inFlight + 1 /\ sent' = TRUE
        /\ UNCHANGED <<desired, applied>>
Lose == inFlight > 0 /\ inFlight' = inFlight - 1 /\ UNCHANGED <<desired, applied, sent>>
Deliver == inFlight > 0 /\ inFlight' = inFlight - 1
           /\ applied' = (IF applied > desired THEN applied ELSE desired)
           /\ UNCHANGED <<desired, sent>>
Next == Push \/ Lose \/ Deliver
\* fair: ['push', 'deliver']
WeakSpec == Init /\ [][Next]_vars /\ WF_vars(Push) /\ WF_vars(Deliver)
\* fairLossyLink: fair: ['push'], strongFair: ['deliver']
FairLossySpec == Init /\ [][Next]_vars /\ WF_vars(Push) /\ SF_vars(Deliver)
Converges == []<>(applied = desired)
Design == INSTANCE RouteDelivery
Refines == Design!Spec
==============================================================================
