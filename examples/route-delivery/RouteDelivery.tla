---------------------------- MODULE RouteDelivery ----------------------------
(* Cross-check of routeDeliveryDesign() in examples/route-delivery with TLC.    *)
EXTENDS Naturals
VARIABLES desired, applied
vars == <<desired, applied>>
Init == desired = 1 /\ applied = 0
Deliver == applied < desired /\ applied' = desired /\ UNCHANGED desired
Next == Deliver
Spec == Init /\ [][Next]_vars
FairSpec == Spec /\ WF_vars(Deliver)
NoStaleOrInvented == applied >= 0 /\ applied <= desired
Converges == []<>(applied = desired)
==============================================================================
