(* The cascade Kronecker identity in 2D, derived from the 1D one over the ring {poly R}.

   A 2D array is a sequence of rows (seq (seq R)); x_(t,u) is row t, column u, zero outside.
   Reading each row as a polynomial in the column variable (rows k = [seq Poly r | r <- k]),
   a 2D dilated convolution becomes a 1D one over {poly R} whose kernel rows are dilated
   (dil d), and the 2D Kronecker product a 1D one; the 1D theorem (for every commutative ring)
   then gives the 2D identity. *)
From mathcomp Require Import all_ssreflect all_algebra.
From Kronconv Require Import Cascade1D.
Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Import GRing.Theory.
Local Open Scope ring_scope.

Section Dilated2D.
Variable R : comRingType.
Implicit Types (k x A B : seq (seq R)) (ks : seq (seq (seq R))).

(* The entry x_(t,u), zero outside the array. *)
Definition entry x t u : R := (nth [::] x t)`_u.

(* The width of an array: the length of its first row. *)
Definition width x := size (head [::] x).

(* Every row has length w. *)
Definition rect w x := all (fun r => size r == w) x.

(* The full 2D dilated convolution (same dilation d on both axes):
   (k *_d x)_(t,u) = sum_(tau,sigma) k_(tau,sigma) x_(t - d tau, u - d sigma). *)
Definition dconv2 (d : nat) k x : seq (seq R) :=
  mkseq (fun t => mkseq (fun u =>
      rsum (size k) (fun tau => rsum (width k) (fun sigma =>
        entry k tau sigma * (if (d * tau <= t)%N && (d * sigma <= u)%N
                             then entry x (t - d * tau) (u - d * sigma) else 0))))
    (width x + d * (width k).-1))
  (size x + d * (size k).-1).

(* numpy.kron in 2D: (A (x) B)_(i m + j, p n + q) = A_(i,p) B_(j,q), B of m rows, n columns. *)
Definition kron2 A B : seq (seq R) := flatten [seq [seq kron ra rb | rb <- B] | ra <- A].

(* The 2D cascade: layer l has dilation d a^l on both axes; layer 0 is applied first. *)
Fixpoint cascade2_from (a d : nat) ks x : seq (seq R) :=
  if ks is k :: ks' then cascade2_from a (d * a) ks' (dconv2 d k x) else x.
Definition cascade2 a ks x := cascade2_from a 1 ks x.

(* K_L (x) ... (x) K_0 in 2D. *)
Definition kron_all2 ks : seq (seq R) := foldl (fun acc k => kron2 k acc) [:: [:: 1]] ks.

(* Each row as a polynomial in the column variable. *)
Definition rows x : seq {poly R} := [seq Poly r | r <- x].

(* Row t of rows x is the polynomial of row t of x (zero outside). *)
Lemma nth_rows x t : (rows x)`_t = Poly (nth [::] x t).
Proof.
case: (ltnP t (size x)) => [lt_t | ge_t]; first by rewrite (nth_map [::]).
by rewrite !nth_default ?size_map.
Qed.

(* A non-empty array with rows of length w has width w. *)
Lemma width_rect w x : (0 < size x)%N -> rect w x -> width x = w.
Proof. by case: x => [|r x] //= _ /andP[/eqP]. Qed.

(* Each row of a rectangular array has its width. *)
Lemma size_row w x t : rect w x -> (t < size x)%N -> size (nth [::] x t) = w.
Proof. by move=> /allP rect_x lt_t; apply/eqP/rect_x/mem_nth. Qed.

(* Beyond the width the entries are zero. *)
Lemma entry_out w x t u : rect w x -> (width x <= u)%N -> entry x t u = 0.
Proof.
move=> rect_x ge_u; rewrite /entry; case: x rect_x ge_u => [|r x] rect_x ge_u.
  by rewrite !nth_nil.
case: (ltnP t (size (r :: x))) => [lt_t | ge_t]; last by rewrite (nth_default [::] ge_t) nth_nil.
by rewrite nth_default // (size_row rect_x lt_t) -(@width_rect w (r :: x)).
Qed.

(* Rows of a 2D convolution: (k *_d x) read row-wise is the 1D convolution over {poly R} of
   the dilated kernel rows K_tau(X^d) with the rows of x. *)
Lemma rows_dconv2 d k x wk wx : (0 < size k)%N -> rect wk k -> rect wx x ->
  rows (dconv2 d k x) = dconv d [seq dil d r | r <- k] (rows x).
Proof.
move=> pos_k rect_k rect_x; have wk_k := width_rect pos_k rect_k.
apply: (eq_from_nth (x0 := 0)).
  by rewrite size_dconv /rows !size_map size_iota.
rewrite /rows size_map size_mkseq => t lt_t.
rewrite (nth_map [::]) ?size_mkseq // nth_mkseq // /dconv nth_mkseq ?size_map //.
apply/polyP => u; rewrite coef_Poly !rsumE coef_sum.
case: (ltnP u (width x + d * (width k).-1)) => [lt_u | ge_u].
  rewrite nth_mkseq // rsumE; apply: eq_bigr => tau _.
  rewrite (nth_map [::]) // -/(rows x) nth_rows.
  case: (d * tau <= t)%N; last by rewrite mulr0 coef0 rsumE big1 // => sigma _; rewrite mulr0.
  rewrite coef_dil_mul rsumE (size_row rect_k) // -wk_k.
  by apply: eq_bigr => sigma _; rewrite /entry.
rewrite nth_default ?size_mkseq // big1 // => tau _.
rewrite (nth_map [::]) // -/(rows x) nth_rows.
case: (d * tau <= t)%N; last by rewrite mulr0 coef0.
rewrite coef_dil_mul big1 // => sigma _.
case: (ltnP u (d * sigma)) => [_ | le_u]; first by rewrite mulr0.
have lt_sigma : (sigma < width k)%N by rewrite wk_k -(size_row rect_k (ltn_ord tau)) ltn_ord.
have := entry_out (t - d * tau) rect_x (_ : (width x <= u - d * sigma)%N).
rewrite /entry => -> //; rewrite ?mulr0 //.
rewrite leq_subRL // addnC (leq_trans _ ge_u) // leq_add2l leq_mul2l.
by rewrite -ltnS prednK ?lt_sigma ?orbT // (leq_ltn_trans _ lt_sigma).
Qed.

(* The output of a 2D convolution is rectangular. *)
Lemma rect_dconv2 d k x : rect (width x + d * (width k).-1)%N (dconv2 d k x).
Proof. by apply/allP => r /mapP[t _ ->]; rewrite size_mkseq. Qed.

(* The output has size x + d (size k - 1) rows. *)
Lemma size_dconv2 d k x : size (dconv2 d k x) = (size x + d * (size k).-1)%N.
Proof. by rewrite size_mkseq. Qed.

(* Arrays of rows of one length w are equal when their row polynomials are. *)
Lemma rows_inj w k x : rect w k -> rect w x -> rows k = rows x -> k = x.
Proof.
move=> rect_k rect_x eq_rows; have eq_size : size k = size x.
  by rewrite -(size_map Poly k) -(size_map Poly x); congr size.
apply: (eq_from_nth (x0 := [::])) => // t lt_t.
apply: Poly_inj; first by rewrite (size_row rect_k) // (size_row rect_x) // -eq_size.
by rewrite -!nth_rows eq_rows.
Qed.

(* A (x) B has size A * size B rows. *)
Lemma size_kron2 A B : size (kron2 A B) = (size A * size B)%N.
Proof. by elim: A => [|ra A IH] //=; rewrite size_cat size_map IH mulSn. Qed.

(* ... of wA * wB entries each. *)
Lemma rect_kron2 wA wB A B : rect wA A -> rect wB B -> rect (wA * wB)%N (kron2 A B).
Proof.
move=> rect_A /allP rect_B; elim: A rect_A => [|ra A IH] //= /andP[/eqP size_ra rect_A].
rewrite /rect all_cat -/(rect _ (kron2 A B)) IH // andbT all_map; apply/allP => rb rb_in /=.
by rewrite size_kron size_ra (eqP (rect_B rb rb_in)).
Qed.

(* Block lemma, row-wise: the rows of A (x) B are the 1D Kronecker product over {poly R} of
   A's rows dilated by the width of B with B's rows. *)
Lemma rows_kron2 wB A B : rect wB B -> rows (kron2 A B) = kron [seq dil wB r | r <- A] (rows B).
Proof.
move=> /allP rect_B; elim: A => [|ra A IH] //=.
rewrite /rows map_cat -/(rows (kron2 A B)) IH; congr (_ ++ _).
rewrite -!map_comp; apply/eq_in_map => rb rb_in /=.
by rewrite Poly_kron (eqP (rect_B rb rb_in)).
Qed.

Section Cascade2D.
Variable a : nat.
Hypothesis pos_a : (0 < a)%N.

(* Every kernel is a x a. *)
Let shaped ks := all (fun k => (size k == a) && rect a k) ks.

(* The layer kernels read row-wise, each row dilated as its layer is: K_l's rows at d a^l. *)
Fixpoint lift_from (d : nat) ks : seq (seq {poly R}) :=
  if ks is k :: ks' then [seq dil d r | r <- k] :: lift_from (d * a) ks' else [::].

(* Lifting a last kernel: it is dilated by d a^L. *)
Lemma lift_rcons ks k : forall d,
  lift_from d (rcons ks k) = rcons (lift_from d ks) [seq dil (d * a ^ size ks) r | r <- k].
Proof.
elim: ks => [|k' ks IH] d /=; first by rewrite muln1.
by rewrite IH expnS mulnA.
Qed.

(* The lifted kernels have a taps each. *)
Lemma sized_lift ks d : shaped ks -> all (fun k : seq {poly R} => size k == a) (lift_from d ks).
Proof.
elim: ks d => [|k ks IH] d //= /andP[/andP[size_k _] shaped_ks].
by rewrite size_map size_k IH.
Qed.

(* K_L (x) ... (x) K_0 is a^(L+1) x a^(L+1). *)
Lemma shape_kron_all2 ks : shaped ks ->
  size (kron_all2 ks) = (a ^ size ks)%N /\ rect (a ^ size ks)%N (kron_all2 ks).
Proof.
elim/last_ind: ks => [|ks k IH]; first by [].
rewrite /shaped all_rcons => /andP[/andP[/eqP size_k rect_k] /IH[size_ks rect_ks]].
rewrite /kron_all2 foldl_rcons -/(kron_all2 ks) size_kron2 size_rcons size_ks size_k expnS.
by split=> //; apply: rect_kron2.
Qed.

(* Rows of the 2D Kronecker product: the 1D Kronecker product of the lifted kernels. *)
Lemma rows_kron_all2 ks : shaped ks -> rows (kron_all2 ks) = kron_all (lift_from 1 ks).
Proof.
elim/last_ind: ks => [|ks k IH].
  by rewrite /= cons_poly_def mul0r add0r polyC1.
rewrite /shaped all_rcons => /andP[_ shaped_ks].
have [_ rect_ks] := shape_kron_all2 shaped_ks.
rewrite /kron_all2 foldl_rcons -/(kron_all2 ks) (rows_kron2 _ rect_ks) IH //.
by rewrite lift_rcons /kron_all foldl_rcons mul1n.
Qed.

(* Rows of the 2D cascade: the 1D cascade over {poly R} of the lifted kernels. *)
Lemma rows_cascade2 ks : shaped ks -> forall d x wx, (0 < size x)%N -> rect wx x ->
  rows (cascade2_from a d ks x) = cascade_from a d (lift_from d ks) (rows x).
Proof.
elim: ks => [|k ks IH] //= /andP[/andP[/eqP size_k rect_k] shaped_ks] d x wx pos_x rect_x.
rewrite (IH shaped_ks _ _ _ _ (rect_dconv2 d k x)); last first.
  by rewrite size_dconv2 (leq_trans pos_x) ?leq_addr.
by rewrite (rows_dconv2 _ _ rect_k rect_x) // size_k.
Qed.

(* The width of the 2D cascade's output: w + d = wx + d a^(L+1). *)
Lemma rect_cascade2 ks : shaped ks -> forall d x wx, (0 < size x)%N -> rect wx x ->
  exists2 w, rect w (cascade2_from a d ks x) & (w + d = wx + d * a ^ size ks)%N.
Proof.
elim: ks => [|k ks IH] /=; first by move=> _ d x wx _ rect_x; exists wx; rewrite ?muln1.
move=> /andP[/andP[/eqP size_k rect_k] shaped_ks] d x wx pos_x rect_x.
have pos_y : (0 < size (dconv2 d k x))%N by rewrite size_dconv2 (leq_trans pos_x) ?leq_addr.
have [w rect_w eq_w] := IH shaped_ks (d * a)%N _ _ pos_y (rect_dconv2 d k x).
exists w => //; apply/eqP; rewrite -(eqn_add2r (d * a.-1)) -addnA -mulnS prednK // eq_w.
rewrite (width_rect pos_x rect_x) (@width_rect a k) ?size_k //.
by rewrite -mulnA -expnS addnAC.
Qed.

(* The cascade identity in 2D. *)
Lemma cascade_kron_all2 ks x wx : shaped ks -> (0 < size x)%N -> rect wx x ->
  cascade2 a ks x = dconv2 1 (kron_all2 ks) x.
Proof.
move=> shaped_ks pos_x rect_x; have [size_K rect_K] := shape_kron_all2 shaped_ks.
have pos_K : (0 < size (kron_all2 ks))%N by rewrite size_K expn_gt0 pos_a.
have [w rect_w eq_w] := rect_cascade2 shaped_ks 1 pos_x rect_x.
apply: (@rows_inj w).
- done.
- have := rect_dconv2 1 (kron_all2 ks) x.
  rewrite (width_rect pos_x rect_x) (width_rect pos_K rect_K) mul1n.
  suff -> : w = (wx + (a ^ size ks).-1)%N by [].
  by apply/eqP; rewrite -(eqn_add2r 1) eq_w mul1n -addnA addn1 prednK ?expn_gt0 ?pos_a.
rewrite /cascade2 (rows_cascade2 shaped_ks _ pos_x rect_x) -/(cascade a _ _).
rewrite cascade_kronecker_1d ?sized_lift //.
rewrite (rows_dconv2 _ pos_K rect_K rect_x) -rows_kron_all2 //; congr dconv.
by apply: eq_map => r; rewrite dil1.
Qed.

(* The composite kernel (the 2D cascade's impulse response) is the Kronecker product. *)
Lemma composite_kron_all2 ks : shaped ks -> cascade2 a ks [:: [:: 1]] = kron_all2 ks.
Proof.
move=> shaped_ks; have [size_K rect_K] := shape_kron_all2 shaped_ks.
have pos_K : (0 < size (kron_all2 ks))%N by rewrite size_K expn_gt0 pos_a.
rewrite (@cascade_kron_all2 _ _ 1%N) //; apply: (@rows_inj (a ^ size ks)%N) => //.
  have := rect_dconv2 1 (kron_all2 ks) [:: [:: 1]].
  by rewrite (width_rect pos_K rect_K) mul1n add1n prednK ?expn_gt0 ?pos_a.
rewrite (@rows_dconv2 _ _ _ _ 1%N pos_K rect_K) //.
have -> : rows [:: [:: 1]] = [:: 1] by rewrite /rows /= cons_poly_def mul0r add0r ?polyC1.
by rewrite (eq_map (@dil1 _)) dconv_delta // size_map.
Qed.

End Cascade2D.
End Dilated2D.

(* The main theorems, with every hypothesis explicit. *)

(* The cascade identity in 2D: for a x a kernels K_0 .. K_L and any rectangular non-empty x,
   K_L *_(a^L) ( ... (K_1 *_a (K_0 * x)) ...) = (K_L (x) ... (x) K_0) * x. *)
Theorem cascade_kronecker_2d (R : comRingType) (a wx : nat) (ks : seq (seq (seq R)))
    (x : seq (seq R)) :
  (0 < a)%N -> all (fun k => (size k == a) && rect a k) ks -> (0 < size x)%N -> rect wx x ->
  cascade2 a ks x = dconv2 1 (kron_all2 ks) x.
Proof. by move=> pos_a; apply: cascade_kron_all2. Qed.

(* Its impulse response: the 2D composite kernel is K_L (x) ... (x) K_0. *)
Theorem composite_kronecker_2d (R : comRingType) (a : nat) (ks : seq (seq (seq R))) :
  (0 < a)%N -> all (fun k => (size k == a) && rect a k) ks ->
  cascade2 a ks [:: [:: 1]] = kron_all2 ks.
Proof. by move=> pos_a; apply: composite_kron_all2. Qed.
