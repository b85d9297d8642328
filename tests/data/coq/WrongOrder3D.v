(* A wrong twin of cascade_kronecker_3d: the Kronecker factors in reversed order,
   K_0 (x) K_1 (x) ... (x) K_L. It must FAIL to compile (tests/test_coq.py asserts so).
   The proof goes through when the marked line is restored to the right order, kron3 k acc. *)
From mathcomp Require Import all_ssreflect all_algebra.
From Kronconv Require Import Cascade3D.
Local Open Scope ring_scope.

Definition kron_order3 {R : comRingType} (ks : seq (seq (seq (seq R)))) : seq (seq (seq R)) :=
  foldl (fun acc k => kron3 acc k) [:: [:: [:: 1]]] ks. (* ORDER *)

Theorem cascade_kronecker_3d_reversed (R : comRingType) (a wx1 wx2 : nat)
    (ks : seq (seq (seq (seq R)))) (x : seq (seq (seq R))) :
  (0 < a)%N -> all (fun k => (size k == a) && box a a k) ks ->
  (0 < size x)%N -> (0 < wx1)%N -> box wx1 wx2 x ->
  cascade3 a ks x = dconv3 1 (kron_order3 ks) x.
Proof.
move=> pos_a shaped_ks pos_x pos_w box_x.
by rewrite (cascade_kronecker_3d pos_a shaped_ks pos_x pos_w box_x).
Qed.
