(* A wrong twin of cascade_kronecker_1d: the Kronecker factors in reversed order,
   K_0 (x) K_1 (x) ... (x) K_L. It must FAIL to compile (tests/test_coq.py asserts so).
   The proof goes through when the marked line is restored to the right order, kron k acc. *)
From mathcomp Require Import all_ssreflect all_algebra.
From Kronconv Require Import Cascade1D.
Local Open Scope ring_scope.

Definition kron_order {R : comRingType} (ks : seq (seq R)) : seq R :=
  foldl (fun acc k => kron acc k) [:: 1] ks. (* ORDER *)

Theorem cascade_kronecker_reversed (R : comRingType) (a : nat) (ks : seq (seq R)) (x : seq R) :
  (0 < a)%N -> all (fun k => size k == a) ks -> cascade a ks x = dconv 1 (kron_order ks) x.
Proof. by move=> pos_a sized_ks; rewrite cascade_kronecker_1d. Qed.
