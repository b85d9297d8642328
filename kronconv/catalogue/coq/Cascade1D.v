(* The cascade Kronecker identity in 1D, for every commutative ring, kernel size a >= 1 and depth.

   kronconv's conventions: a kernel is a finite sequence; "full" dilated convolution
   (k *_d x)_t = sum_tau k_tau x_(t - d tau); layer l has dilation a^l and layer 0 is applied
   first; numpy.kron's index order (A (x) B)_(i m + j) = A_i B_j, the most dilated kernel leftmost.
   The proof maps sequences to polynomials (convolution is multiplication, dilation by d is
   substitution of X^d) and back (two sequences of equal length with equal polynomials are equal). *)
From mathcomp Require Import all_ssreflect all_algebra.
Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Import GRing.Theory.
Local Open Scope ring_scope.

Section Dilated1D.
Variable R : comRingType.
Implicit Types (k x A B : seq R) (ks : seq (seq R)).

(* A sum over 0 <= i < n written as a fold, so that Compute evaluates it. *)
Definition rsum (n : nat) (F : nat -> R) : R := foldr (fun i acc => F i + acc) 0 (iota 0 n).

(* The full dilated convolution: (k *_d x)_t = sum_tau k_tau x_(t - d tau), of length
   size x + d (size k - 1); x is zero outside its support. *)
Definition dconv (d : nat) k x : seq R :=
  mkseq (fun t => rsum (size k) (fun tau =>
                   k`_tau * (if (d * tau <= t)%N then x`_(t - d * tau) else 0)))
        (size x + d * (size k).-1).

(* numpy.kron: (A (x) B)_(i * size B + j) = A_i B_j. *)
Definition kron A B : seq R := flatten [seq [seq a * b | b <- B] | a <- A].

(* The cascade: layer l (K_l = nth l ks) has dilation d a^l; layer 0 is applied first. *)
Fixpoint cascade_from (a d : nat) ks x : seq R :=
  if ks is k :: ks' then cascade_from a (d * a) ks' (dconv d k x) else x.
Definition cascade a ks x := cascade_from a 1 ks x.

(* K_L (x) ... (x) K_0, the most dilated kernel leftmost (the empty product is [:: 1]). *)
Definition kron_all ks : seq R := foldl (fun acc k => kron k acc) [:: 1] ks.

(* The dilation of a kernel as a polynomial: K(X^d). *)
Definition dil (d : nat) k : {poly R} := Poly k \Po 'X^d.

(* Two sequences of equal length with equal polynomials are equal. *)
Lemma Poly_inj k x : size k = size x -> Poly k = Poly x -> k = x.
Proof.
move=> eq_size eq_poly; apply: (eq_from_nth (x0 := 0)) => // i _.
by rewrite -(coef_Poly k) -(coef_Poly x) eq_poly.
Qed.

(* K(X^d) = sum_i K_i X^(d i). *)
Lemma dilE d k : dil d k = \sum_(i < size k) k`_i *: 'X^(d * i).
Proof.
rewrite /dil; elim: k => [|c k IH] /=; first by rewrite comp_poly0 big_ord0.
rewrite cons_poly_def comp_polyD comp_polyM comp_polyX comp_polyC IH big_ord_recl /=.
rewrite muln0 expr0 alg_polyC addrC; congr (_ + _).
rewrite mulr_suml; apply: eq_bigr => i _.
by rewrite -scalerAl -exprD mulnS addnC.
Qed.

(* The fold is the big sum. *)
Lemma rsumE n F : rsum n F = \sum_(i < n) F i.
Proof.
rewrite /rsum -(big_mkord xpredT) /index_iota subn0.
by elim: (iota 0 n) => [|i s IH] /=; rewrite ?big_nil ?big_cons ?IH.
Qed.

(* k *_d x has size x + d (size k - 1) entries. *)
Lemma size_dconv d k x : size (dconv d k x) = (size x + d * (size k).-1)%N.
Proof. by rewrite size_mkseq. Qed.

(* The coefficients of K(X^d) P(x): (K(X^d) P(x))_t = sum_tau K_tau x_(t - d tau). *)
Lemma coef_dil_mul d k x t :
  (dil d k * Poly x)`_t = \sum_(tau < size k)
                            k`_tau * (if (d * tau <= t)%N then x`_(t - d * tau) else 0).
Proof.
rewrite dilE mulr_suml coef_sum; apply: eq_bigr => i _.
by rewrite -scalerAl coefZ coefXnM coef_Poly ltnNge; case: (d * i <= t)%N.
Qed.

(* Convolution is polynomial multiplication, dilation is substituting X^d:
   P(k *_d x) = K(X^d) P(x). *)
Lemma Poly_dconv d k x : Poly (dconv d k x) = dil d k * Poly x.
Proof.
apply/polyP => t; rewrite coef_Poly coef_dil_mul.
case: (ltnP t (size x + d * (size k).-1)) => [lt_t | ge_t].
  by rewrite nth_mkseq // rsumE.
rewrite nth_default ?size_mkseq // big1 // => i _.
case: (ltnP t (d * i)) => [_ | le_di]; first by rewrite mulr0.
rewrite [x`_ _]nth_default ?mulr0 //.
have pos_k : (0 < size k)%N by apply: leq_ltn_trans (ltn_ord i).
rewrite leq_subRL // addnC (leq_trans _ ge_t) // leq_add2l leq_mul2l.
by rewrite -ltnS prednK // ltn_ord orbT.
Qed.

(* P(s ++ t) = P(s) + X^(size s) P(t). *)
Lemma Poly_cat k x : Poly (k ++ x) = Poly k + 'X^(size k) * Poly x.
Proof.
elim: k => [|c k IH] /=; first by rewrite add0r expr0 mul1r.
rewrite !cons_poly_def IH mulrDl exprSr -!mulrA [Poly x * 'X]mulrC.
by rewrite addrAC.
Qed.

(* P(c B) = c P(B). *)
Lemma Poly_scale c x : Poly [seq c * b | b <- x] = c *: Poly x.
Proof.
apply/polyP => i; rewrite coefZ !coef_Poly.
case: (ltnP i (size x)) => [lt_i | ge_i]; first by rewrite (nth_map 0).
by rewrite !nth_default ?mulr0 ?size_map.
Qed.

(* A (x) B has size A * size B entries. *)
Lemma size_kron A B : size (kron A B) = (size A * size B)%N.
Proof.
elim: A => [|c A IH] //=; by rewrite size_cat size_map IH mulSn.
Qed.

(* Index lemma: (A (x) B)_(i m + j) = A_i B_j for j < m = size B. *)
Lemma nth_kron A B i j : (j < size B)%N ->
  (kron A B)`_(i * size B + j) = A`_i * B`_j.
Proof.
move=> lt_j; elim: A i => [|c A IH] [|i] /=.
- by rewrite !nth_nil mul0r.
- by rewrite !nth_nil mul0r.
- by rewrite mul0n add0n nth_cat size_map lt_j (nth_map 0).
by rewrite nth_cat size_map mulSn -addnA ltnNge leq_addr /= addKn IH.
Qed.

(* K(X^d) for K = c :: K' is c + X^d K'(X^d). *)
Lemma dil_cons d c k : dil d (c :: k) = c%:P + 'X^d * dil d k.
Proof.
by rewrite /dil /= cons_poly_def comp_polyD comp_polyM comp_polyX comp_polyC addrC mulrC.
Qed.

(* Block lemma, polynomial form: P(A (x) B) = A(X^m) P(B), m = size B. *)
Lemma Poly_kron A B : Poly (kron A B) = dil (size B) A * Poly B.
Proof.
elim: A => [|c A IH] /=; first by rewrite /dil comp_poly0 mul0r.
by rewrite Poly_cat size_map Poly_scale IH dil_cons mulrDl mulrA mul_polyC.
Qed.

(* K(X) = K. *)
Lemma dil1 k : dil 1 k = Poly k.
Proof. by rewrite /dil expr1 comp_polyXr. Qed.

(* The unit impulse is neutral: k * [1] = k. *)
Lemma dconv_delta k : (0 < size k)%N -> dconv 1 k [:: 1] = k.
Proof.
move=> pos_k; apply: Poly_inj; first by rewrite size_dconv mul1n add1n prednK.
by rewrite Poly_dconv dil1 /= cons_poly_def mul0r add0r ?polyC1 mulr1.
Qed.

(* Block lemma: A *_m B = A (x) B when B has exactly m taps (and A at least one). *)
Lemma dconv_kron A B : (0 < size A)%N -> dconv (size B) A B = kron A B.
Proof.
move=> pos_A; apply: Poly_inj; last by rewrite Poly_dconv Poly_kron.
by rewrite size_dconv size_kron -{2}(prednK pos_A) mulSn mulnC.
Qed.

Section Cascade.
Variable a : nat.
Hypothesis pos_a : (0 < a)%N.

Let sized ks := all (fun k => size k == a) ks.

(* K_L (x) ... (x) K_0 has a^(L+1) entries. *)
Lemma size_kron_all ks : sized ks -> size (kron_all ks) = (a ^ size ks)%N.
Proof.
elim/last_ind: ks => [|ks k IH] //.
rewrite /sized all_rcons /kron_all foldl_rcons size_rcons => /andP[/eqP size_k /IH].
by rewrite size_kron /kron_all => ->; rewrite size_k expnS.
Qed.

(* P(K_L (x) ... (x) K_0) = prod_l K_l(X^(a^l)). *)
Lemma Poly_kron_all ks : sized ks ->
  Poly (kron_all ks) = \prod_(l < size ks) dil (a ^ l) (nth [::] ks l).
Proof.
elim/last_ind: ks => [|ks k IH].
  by rewrite big_ord0 /= cons_poly_def mul0r add0r.
rewrite /sized all_rcons => /andP[/eqP size_k sized_ks].
rewrite /kron_all foldl_rcons -/(kron_all ks) Poly_kron size_kron_all // IH //.
rewrite size_rcons big_ord_recr /= nth_rcons ltnn eqxx mulrC; congr (_ * _).
by apply: eq_bigr => l _; rewrite nth_rcons ltn_ord.
Qed.

(* Associativity, as a product of polynomials: P(cascade from d) = prod_l K_l(X^(d a^l)) P(x). *)
Lemma Poly_cascade ks : forall d x,
  Poly (cascade_from a d ks x) = (\prod_(l < size ks) dil (d * a ^ l) (nth [::] ks l)) * Poly x.
Proof.
elim: ks => [|k ks IH] d x /=; first by rewrite big_ord0 mul1r.
rewrite IH Poly_dconv big_ord_recl /= muln1 mulrA [_ * dil d k]mulrC; congr (_ * _ * _).
by apply: eq_bigr => l _; rewrite expnS mulnA.
Qed.

(* The cascade from dilation d adds d (a^(L+1) - 1) taps. *)
Lemma size_cascade ks : sized ks -> forall d x,
  (size (cascade_from a d ks x) + d = size x + d * a ^ size ks)%N.
Proof.
elim: ks => [|k ks IH] /=; first by move=> _ d x; rewrite expn0 muln1.
move=> /andP[/eqP size_k sized_ks] d x.
apply/eqP; rewrite -(eqn_add2r (d * a.-1)) -addnA -mulnS prednK //.
by rewrite IH // size_dconv size_k -mulnA -expnS addnAC.
Qed.

(* The cascade identity (1D): for every commutative ring, every a >= 1 and every depth,
   K_L *_(a^L) ( ... (K_1 *_a (K_0 * x)) ...) = (K_L (x) ... (x) K_0) * x. *)
Lemma cascade_kron_all ks x :
  all (fun k => size k == a) ks -> cascade a ks x = dconv 1 (kron_all ks) x.
Proof.
move=> sized_ks; apply: Poly_inj.
  apply/eqP; rewrite -(eqn_add2r 1) size_cascade // size_dconv size_kron_all // !mul1n.

  by rewrite -addnA addn1 prednK ?expn_gt0 ?pos_a.
rewrite /cascade Poly_cascade Poly_dconv dil1 Poly_kron_all //.
by congr (_ * _); apply: eq_bigr => l _; rewrite mul1n.
Qed.

(* The composite kernel (the cascade's impulse response) is the Kronecker product. *)
Lemma composite_kron_all ks :
  all (fun k => size k == a) ks -> cascade a ks [:: 1] = kron_all ks.
Proof.
move=> sized_ks; rewrite cascade_kron_all // dconv_delta //.
by rewrite size_kron_all // expn_gt0 pos_a.
Qed.

End Cascade.
End Dilated1D.

(* The main theorems, with every hypothesis explicit. *)

(* Index lemma: (A (x) B)_(i m + j) = A_i B_j for j < m = size B (numpy.kron's order). *)
Theorem index_lemma (R : comRingType) (A B : seq R) (i j : nat) :
  (j < size B)%N -> (kron A B)`_(i * size B + j) = A`_i * B`_j.
Proof. exact: nth_kron. Qed.

(* Block lemma: A *_m B = A (x) B when B has exactly m taps. *)
Theorem block_lemma (R : comRingType) (A B : seq R) :
  (0 < size A)%N -> dconv (size B) A B = kron A B.
Proof. exact: dconv_kron. Qed.

(* The cascade identity in 1D: for kernels K_0 .. K_L of a >= 1 taps each and any input x,
   K_L *_(a^L) ( ... (K_1 *_a (K_0 * x)) ...) = (K_L (x) ... (x) K_0) * x. *)
Theorem cascade_kronecker_1d (R : comRingType) (a : nat) (ks : seq (seq R)) (x : seq R) :
  (0 < a)%N -> all (fun k => size k == a) ks -> cascade a ks x = dconv 1 (kron_all ks) x.
Proof. by move=> pos_a; apply: cascade_kron_all. Qed.

(* Its impulse response: the composite kernel is K_L (x) ... (x) K_0. *)
Theorem composite_kronecker_1d (R : comRingType) (a : nat) (ks : seq (seq R)) :
  (0 < a)%N -> all (fun k => size k == a) ks -> cascade a ks [:: 1] = kron_all ks.
Proof. by move=> pos_a; apply: composite_kron_all. Qed.
