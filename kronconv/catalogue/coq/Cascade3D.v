(* The cascade Kronecker identity in 3D, derived from the 2D one over the ring {poly R}.

   A 3D array is a sequence of slices, each a sequence of rows (seq (seq (seq R)));
   x_(t,u,v) is slice t, row u, column v, zero outside. Reading each innermost row as a
   polynomial in the last variable (inner x = [seq rows s | s <- x]), a 3D dilated convolution
   becomes a 2D one over {poly R} whose kernel entries are dilated (dil d), and the 3D Kronecker
   product a 2D one; the 2D theorem (for every commutative ring) then gives the 3D identity.
   Together with Cascade1D and Cascade2D this covers every number of axes kronconv handles
   (1, 2 and 3: MAX_DIMS). *)
From mathcomp Require Import all_ssreflect all_algebra.
From Kronconv Require Import Cascade1D Cascade2D.
Set Implicit Arguments.
Unset Strict Implicit.
Unset Printing Implicit Defensive.
Import GRing.Theory.
Local Open Scope ring_scope.

(* The unit impulse is neutral in 2D: K * [[1]] = K, for a non-empty K of rows of length w. *)
Lemma dconv2_delta (S : comRingType) (K : seq (seq S)) w : (0 < size K)%N -> (0 < w)%N ->
  rect w K -> dconv2 1 K [:: [:: 1]] = K.
Proof.
move=> pos_K pos_w rect_K; apply: (@rows_inj _ w) => //.
  have := rect_dconv2 1 K [:: [:: 1]].
  by rewrite (width_rect pos_K rect_K) mul1n /width /= add1n prednK.
rewrite (rows_dconv2 (wx := 1%N) _ pos_K rect_K) //.
have -> : rows [:: [:: 1]] = [:: 1 : {poly S}].
  by rewrite /rows /= cons_poly_def mul0r add0r polyC1.
by rewrite (eq_map (@dil1 _)) dconv_delta // size_map.
Qed.

Section Dilated3D.
Variable R : comRingType.
Implicit Types (k x A B : seq (seq (seq R))) (ks : seq (seq (seq (seq R)))).

(* The entry x_(t,u,v), zero outside the array. *)
Definition entry3 x t u v : R := (nth [::] (nth [::] x t) u)`_v.

(* The extent of the second axis (rows of the first slice) and of the third (its first row). *)
Definition width3 x := size (head [::] x).
Definition depth3 x := size (head [::] (head [::] x)).

(* A box: every slice has w1 rows, every row w2 entries. *)
Definition box w1 w2 x := all (fun s => (size s == w1) && rect w2 s) x.

(* The full 3D dilated convolution (same dilation d on all axes):
   (k *_d x)_(t,u,v) = sum_(tau,sigma,rho) k_(tau,sigma,rho) x_(t - d tau, u - d sigma, v - d rho),
   of shape (n_i + d (a_i - 1))_i for x of shape (n_i)_i and k of shape (a_i)_i. *)
Definition dconv3 (d : nat) k x : seq (seq (seq R)) :=
  mkseq (fun t => mkseq (fun u => mkseq (fun v =>
      rsum (size k) (fun tau => rsum (width3 k) (fun sigma => rsum (depth3 k) (fun rho =>
        entry3 k tau sigma rho *
        (if (d * tau <= t)%N && (d * sigma <= u)%N && (d * rho <= v)%N
         then entry3 x (t - d * tau) (u - d * sigma) (v - d * rho) else 0)))))
    (depth3 x + d * (depth3 k).-1))
    (width3 x + d * (width3 k).-1))
  (size x + d * (size k).-1).

(* numpy.kron in 3D: (A (x) B)_(i m + j, p n + q, r o + s) = A_(i,p,r) B_(j,q,s), B of shape
   m x n x o. *)
Definition kron3 A B : seq (seq (seq R)) :=
  flatten [seq [seq kron2 sa sb | sb <- B] | sa <- A].

(* The 3D cascade: layer l has dilation d a^l on every axis; layer 0 is applied first. *)
Fixpoint cascade3_from (a d : nat) ks x : seq (seq (seq R)) :=
  if ks is k :: ks' then cascade3_from a (d * a) ks' (dconv3 d k x) else x.
Definition cascade3 a ks x := cascade3_from a 1 ks x.

(* K_L (x) ... (x) K_0 in 3D. *)
Definition kron_all3 ks : seq (seq (seq R)) := foldl (fun acc k => kron3 k acc) [:: [:: [:: 1]]] ks.

(* Each innermost row as a polynomial in the last variable: a 2D array over {poly R}. *)
Definition inner x : seq (seq {poly R}) := [seq rows s | s <- x].

(* A kernel read innermost-row-wise with each row dilated by d: K(.., .., X^d). *)
Definition lift (d : nat) k : seq (seq {poly R}) := [seq [seq dil d r | r <- s] | s <- k].

(* Slice t of inner x is rows of slice t of x (empty outside). *)
Lemma nth_inner x t : nth [::] (inner x) t = rows (nth [::] x t).
Proof.
case: (ltnP t (size x)) => [lt_t | ge_t]; first by rewrite (nth_map [::]).
by rewrite !nth_default ?size_map.
Qed.

(* The (t,u) entry of inner x is the polynomial of row (t,u) of x. *)
Lemma entry_inner x t u : entry (inner x) t u = Poly (nth [::] (nth [::] x t) u).
Proof. by rewrite /entry nth_inner nth_rows. Qed.

(* The (tau,sigma) entry of the lifted kernel is the dilated row (tau,sigma). *)
Lemma entry_lift d k tau sigma : (tau < size k)%N -> (sigma < size (nth [::] k tau))%N ->
  entry (lift d k) tau sigma = dil d (nth [::] (nth [::] k tau) sigma).
Proof. by move=> lt_tau lt_sigma; rewrite /entry (nth_map [::]) // (nth_map [::]). Qed.

(* Reading rows as polynomials keeps the second extent. *)
Lemma width_inner x : width (inner x) = width3 x.
Proof. by rewrite /width /inner; case: x => [|s x] //=; rewrite size_map. Qed.
Lemma width_lift d k : width (lift d k) = width3 k.
Proof. by rewrite /width /lift; case: k => [|s k] //=; rewrite size_map. Qed.

(* A non-empty box has its extents. *)
Lemma width3_box w1 w2 x : (0 < size x)%N -> box w1 w2 x -> width3 x = w1.
Proof. by case: x => [|s x] //= _ /andP[/andP[/eqP]]. Qed.
Lemma depth3_box w1 w2 x : (0 < size x)%N -> (0 < w1)%N -> box w1 w2 x -> depth3 x = w2.
Proof.
case: x => [|s x] //= _ pos_w /andP[/andP[/eqP size_s rect_s] _].
rewrite /depth3 /=; case: s size_s rect_s => [|r s] size_s; first by rewrite -size_s in pos_w.
by move=> /andP[/eqP].
Qed.

(* Each row of a box has length w2. *)
Lemma size_row3 w1 w2 x t u : box w1 w2 x -> (t < size x)%N -> (u < w1)%N ->
  size (nth [::] (nth [::] x t) u) = w2.
Proof.
move=> /allP box_x lt_t lt_u; have /andP[/eqP size_s rect_s] := box_x _ (mem_nth [::] lt_t).
by apply: (size_row rect_s); rewrite size_s.
Qed.

(* Beyond the depth the entries of a box are zero. *)
Lemma entry3_out w1 w2 x t u v : box w1 w2 x -> (depth3 x <= v)%N ->
  (nth [::] (nth [::] x t) u)`_v = 0.
Proof.
move=> box_x ge_v.
case: (ltnP t (size x)) => [lt_t | ge_t]; last by rewrite (nth_default [::] ge_t) !nth_nil.
have pos_x : (0 < size x)%N by apply: leq_ltn_trans lt_t.
have /andP[/eqP size_s _] := allP box_x _ (mem_nth [::] lt_t).
case: (ltnP u w1) => [lt_u | ge_u]; last by rewrite (nth_default [::]) ?size_s // nth_nil.
rewrite nth_default // (size_row3 box_x lt_t lt_u) -(depth3_box pos_x _ box_x) //.
exact: leq_ltn_trans (leq0n u) lt_u.
Qed.

(* The rows of a box all have length w2. *)
Lemma box_rect w1 w2 x : box w1 w2 x -> all (rect w2) x.
Proof. by move=> /allP box_x; apply/allP => s /box_x /andP[]. Qed.

(* inner x and lift d k have w1 entries per row when x, k are boxes. *)
Lemma rect_inner w1 w2 x : box w1 w2 x -> rect w1 (inner x).
Proof.
by move=> /allP box_x; apply/allP => _ /mapP[s /box_x /andP[size_s _] ->]; rewrite size_map.
Qed.
Lemma rect_lift d w1 w2 k : box w1 w2 k -> rect w1 (lift d k).
Proof.
by move=> /allP box_k; apply/allP => _ /mapP[s /box_k /andP[size_s _] ->]; rewrite size_map.
Qed.

(* Rows dilated by 1 are the rows: lift 1 k = inner k. *)
Lemma lift1 k : lift 1 k = inner k.
Proof. by apply: eq_map => s; apply: eq_map => r; rewrite dil1. Qed.

(* Inner rows of a 3D convolution: (k *_d x) read innermost-row-wise is the 2D convolution over
   {poly R} of the dilated kernel rows K_(tau,sigma)(X^d) with the rows of x. *)
Lemma inner_dconv3 d k x wk1 wk2 wx1 wx2 : (0 < size k)%N -> (0 < wk1)%N ->
  box wk1 wk2 k -> box wx1 wx2 x -> inner (dconv3 d k x) = dconv2 d (lift d k) (inner x).
Proof.
move=> pos_k pos_w box_k box_x.
have wk1_k := width3_box pos_k box_k; have wk2_k := depth3_box pos_k pos_w box_k.
apply: (eq_from_nth (x0 := [::])).
  by rewrite size_dconv2 /inner /lift /dconv3 !size_map size_iota.
rewrite /inner /dconv3 size_map size_mkseq => t lt_t.
rewrite (nth_map [::]) ?size_mkseq // nth_mkseq // /dconv2 nth_mkseq ?size_map //.
rewrite -/(inner x) {1}/rows -map_comp width_inner width_lift; apply: eq_map => u /=.
apply/polyP => v; rewrite coef_Poly !rsumE coef_sum.
case: (ltnP v (depth3 x + d * (depth3 k).-1)) => [lt_v | ge_v].
  rewrite nth_mkseq // rsumE; apply: eq_bigr => tau _.
  rewrite !rsumE coef_sum; apply: eq_bigr => sigma _.
  have lt_sigma : (sigma < size (nth [::] k tau))%N.
    by have /andP[/eqP -> _] := allP box_k _ (mem_nth [::] (ltn_ord tau)); rewrite -wk1_k.
  rewrite entry_lift // entry_inner.
  case: ((d * tau <= t)%N && (d * sigma <= u)%N) => /=.
    rewrite coef_dil_mul rsumE (size_row3 box_k) // -?wk1_k // -wk2_k.
    by apply: eq_bigr => rho _; rewrite /entry3.
  by rewrite mulr0 coef0 rsumE big1 // => rho _; rewrite mulr0.
rewrite nth_default ?size_mkseq // big1 // => tau _.
rewrite rsumE coef_sum big1 // => sigma _.
have lt_sigma : (sigma < size (nth [::] k tau))%N.
  by have /andP[/eqP -> _] := allP box_k _ (mem_nth [::] (ltn_ord tau)); rewrite -wk1_k.
rewrite entry_lift // entry_inner.
case: ((d * tau <= t)%N && (d * sigma <= u)%N); last by rewrite mulr0 coef0.
rewrite coef_dil_mul big1 // => rho _.
case: (ltnP v (d * rho)) => [_ | le_v]; first by rewrite mulr0.
rewrite (entry3_out _ _ box_x) ?mulr0 //.
have lt_rho : (rho < depth3 k)%N.
  by rewrite wk2_k -(size_row3 box_k (ltn_ord tau) (_ : sigma < wk1)%N) -?wk1_k.
rewrite leq_subRL // addnC (leq_trans _ ge_v) // leq_add2l leq_mul2l.
by rewrite -ltnS prednK ?lt_rho ?orbT // (leq_ltn_trans _ lt_rho).
Qed.

(* The output of a 3D convolution is a box. *)
Lemma box_dconv3 d k x :
  box (width3 x + d * (width3 k).-1)%N (depth3 x + d * (depth3 k).-1)%N (dconv3 d k x).
Proof.
apply/allP => s /mapP[t _ ->]; rewrite size_mkseq eqxx /=.
by apply/allP => r /mapP[u _ ->]; rewrite size_mkseq.
Qed.

(* The output has size x + d (size k - 1) slices. *)
Lemma size_dconv3 d k x : size (dconv3 d k x) = (size x + d * (size k).-1)%N.
Proof. by rewrite size_mkseq. Qed.

(* Arrays whose rows all have one length w are equal when their inner polynomials are. *)
Lemma inner_inj w k x : all (rect w) k -> all (rect w) x -> inner k = inner x -> k = x.
Proof.
move=> /allP rect_k /allP rect_x eq_inner; have eq_size : size k = size x.
  by rewrite -(size_map (@rows R) k) -(size_map (@rows R) x); congr size.
apply: (eq_from_nth (x0 := [::])) => // t lt_t.
apply: (@rows_inj _ w); first exact/rect_k/mem_nth.
  by apply/rect_x/mem_nth; rewrite -eq_size.
by rewrite -!nth_inner eq_inner.
Qed.

(* A (x) B has size A * size B slices ... *)
Lemma size_kron3 A B : size (kron3 A B) = (size A * size B)%N.
Proof. by elim: A => [|sa A IH] //=; rewrite size_cat size_map IH mulSn. Qed.

(* ... and is a box of the products of the extents. *)
Lemma box_kron3 wA1 wA2 wB1 wB2 A B : box wA1 wA2 A -> box wB1 wB2 B ->
  box (wA1 * wB1)%N (wA2 * wB2)%N (kron3 A B).
Proof.
move=> box_A /allP box_B; elim: A box_A => [|sa A IH] //= /andP[/andP[/eqP size_sa rect_sa] box_A].
rewrite /box all_cat -/(box _ _ (kron3 A B)) IH // andbT all_map; apply/allP => sb sb_in /=.
have /andP[/eqP size_sb rect_sb] := box_B sb sb_in.
by rewrite size_kron2 size_sa size_sb eqxx (rect_kron2 rect_sa rect_sb).
Qed.

(* Block lemma, innermost-row-wise: the inner rows of A (x) B are the 2D Kronecker product over
   {poly R} of A's rows dilated by the depth of B with B's inner rows. *)
Lemma inner_kron3 wB A B : all (rect wB) B -> inner (kron3 A B) = kron2 (lift wB A) (inner B).
Proof.
move=> /allP rect_B; elim: A => [|sa A IH] //=.
rewrite /inner map_cat -/(inner (kron3 A B)) IH; congr (_ ++ _).
rewrite -!map_comp; apply/eq_in_map => sb sb_in /=.
by rewrite (rows_kron2 _ (rect_B sb sb_in)).
Qed.

Section Cascade3D.
Variable a : nat.
Hypothesis pos_a : (0 < a)%N.

(* Every kernel is a x a x a. *)
Let shaped3 ks := all (fun k => (size k == a) && box a a k) ks.

(* The layer kernels read innermost-row-wise, each row dilated as its layer is: d a^l. *)
Fixpoint lift3_from (d : nat) ks : seq (seq (seq {poly R})) :=
  if ks is k :: ks' then lift d k :: lift3_from (d * a) ks' else [::].

(* Lifting a last kernel: it is dilated by d a^L. *)
Lemma lift3_rcons ks k : forall d,
  lift3_from d (rcons ks k) = rcons (lift3_from d ks) (lift (d * a ^ size ks) k).
Proof.
elim: ks => [|k' ks IH] d /=; first by rewrite muln1.
by rewrite IH expnS mulnA.
Qed.

(* The lifted kernels are a x a, as the 2D theorem needs. *)
Lemma shaped_lift3 ks d : shaped3 ks ->
  all (fun k : seq (seq {poly R}) => (size k == a) && rect a k) (lift3_from d ks).
Proof.
elim: ks d => [|k ks IH] d //= /andP[/andP[size_k box_k] shaped_ks].
by rewrite size_map size_k (rect_lift _ box_k) IH.
Qed.

(* K_L (x) ... (x) K_0 is a^(L+1) x a^(L+1) x a^(L+1). *)
Lemma shape_kron_all3 ks : shaped3 ks ->
  size (kron_all3 ks) = (a ^ size ks)%N /\ box (a ^ size ks)%N (a ^ size ks)%N (kron_all3 ks).
Proof.
elim/last_ind: ks => [|ks k IH]; first by [].
rewrite /shaped3 all_rcons => /andP[/andP[/eqP size_k box_k] /IH[size_ks box_ks]].
rewrite /kron_all3 foldl_rcons -/(kron_all3 ks) size_kron3 size_rcons size_ks size_k expnS.
by split=> //; apply: box_kron3.
Qed.

(* Inner rows of the 3D Kronecker product: the 2D Kronecker product of the lifted kernels. *)
Lemma inner_kron_all3 ks : shaped3 ks -> inner (kron_all3 ks) = kron_all2 (lift3_from 1 ks).
Proof.
elim/last_ind: ks => [|ks k IH].
  by rewrite /= cons_poly_def mul0r add0r polyC1.
rewrite /shaped3 all_rcons => /andP[_ shaped_ks].
have [_ box_ks] := shape_kron_all3 shaped_ks.
rewrite /kron_all3 foldl_rcons -/(kron_all3 ks) (inner_kron3 _ (box_rect box_ks)) IH //.
by rewrite lift3_rcons /kron_all2 foldl_rcons mul1n.
Qed.

(* Inner rows of the 3D cascade: the 2D cascade over {poly R} of the lifted kernels. *)
Lemma inner_cascade3 ks : shaped3 ks -> forall d x wx1 wx2, box wx1 wx2 x ->
  inner (cascade3_from a d ks x) = cascade2_from a d (lift3_from d ks) (inner x).
Proof.
elim: ks => [|k ks IH] //= /andP[/andP[/eqP size_k box_k] shaped_ks] d x wx1 wx2 box_x.
rewrite (IH shaped_ks _ _ _ _ (box_dconv3 d k x)).
by rewrite (inner_dconv3 _ _ _ box_k box_x) // size_k.
Qed.

(* The rows of the 3D cascade's output have length w2 with w2 + d = wx2 + d a^(L+1). *)
Lemma rect_cascade3 ks : shaped3 ks -> forall d x wx1 wx2, (0 < size x)%N -> (0 < wx1)%N ->
  box wx1 wx2 x ->
  exists2 w2, all (rect w2) (cascade3_from a d ks x) & (w2 + d = wx2 + d * a ^ size ks)%N.
Proof.
elim: ks => [|k ks IH] /=.
  by move=> _ d x wx1 wx2 _ _ box_x; exists wx2; rewrite ?muln1 // (box_rect box_x).
move=> /andP[/andP[/eqP size_k box_k] shaped_ks] d x wx1 wx2 pos_x pos_w box_x.
have pos_y : (0 < size (dconv3 d k x))%N by rewrite size_dconv3 (leq_trans pos_x) ?leq_addr.
have pos_wy : (0 < width3 x + d * (width3 k).-1)%N.
  by rewrite (width3_box pos_x box_x) (leq_trans pos_w) ?leq_addr.
have [w rect_w eq_w] := IH shaped_ks (d * a)%N _ _ _ pos_y pos_wy (box_dconv3 d k x).
exists w => //; apply/eqP; rewrite -(eqn_add2r (d * a.-1)) -addnA -mulnS prednK // eq_w.
have pos_kk : (0 < size k)%N by rewrite size_k.
rewrite (depth3_box pos_x pos_w box_x) (depth3_box pos_kk pos_a box_k).
by rewrite -mulnA -expnS addnAC.
Qed.

(* The cascade identity in 3D. *)
Lemma cascade_kron_all3 ks x wx1 wx2 : shaped3 ks -> (0 < size x)%N -> (0 < wx1)%N ->
  box wx1 wx2 x -> cascade3 a ks x = dconv3 1 (kron_all3 ks) x.
Proof.
move=> shaped_ks pos_x pos_w box_x; have [size_K box_K] := shape_kron_all3 shaped_ks.
have pos_aL : (0 < a ^ size ks)%N by rewrite expn_gt0 pos_a.
have pos_K : (0 < size (kron_all3 ks))%N by rewrite size_K.
have [w rect_w eq_w] := rect_cascade3 shaped_ks 1 pos_x pos_w box_x.
apply: (@inner_inj w) => //.
  have := box_rect (box_dconv3 1 (kron_all3 ks) x).
  rewrite (depth3_box pos_x pos_w box_x) (depth3_box pos_K pos_aL box_K) mul1n.
  suff -> : w = (wx2 + (a ^ size ks).-1)%N by [].
  by apply/eqP; rewrite -(eqn_add2r 1) eq_w mul1n -addnA addn1 prednK.
have pos_ix : (0 < size (inner x))%N by rewrite size_map.
rewrite /cascade3 (inner_cascade3 shaped_ks _ box_x) -/(cascade2 a _ _).
rewrite (@cascade_kronecker_2d _ a wx1) ?shaped_lift3 ?(rect_inner box_x) //.
by rewrite (inner_dconv3 _ pos_K pos_aL box_K box_x) -inner_kron_all3 // lift1.
Qed.

(* The composite kernel (the 3D cascade's impulse response) is the Kronecker product. *)
Lemma composite_kron_all3 ks : shaped3 ks -> cascade3 a ks [:: [:: [:: 1]]] = kron_all3 ks.
Proof.
move=> shaped_ks; have [size_K box_K] := shape_kron_all3 shaped_ks.
have pos_aL : (0 < a ^ size ks)%N by rewrite expn_gt0 pos_a.
have pos_K : (0 < size (kron_all3 ks))%N by rewrite size_K.
rewrite (@cascade_kron_all3 _ _ 1%N 1%N) //; apply: (@inner_inj (a ^ size ks)%N).
- have := box_rect (box_dconv3 1 (kron_all3 ks) [:: [:: [:: 1]]]).
  by rewrite (depth3_box pos_K pos_aL box_K) mul1n /depth3 /= add1n prednK.
- exact: box_rect box_K.
rewrite (@inner_dconv3 _ _ _ _ _ 1%N 1%N pos_K pos_aL box_K) // lift1.
have -> : inner [:: [:: [:: 1]]] = [:: [:: 1]].
  by rewrite /inner /rows /= cons_poly_def mul0r add0r polyC1.
by rewrite (@dconv2_delta _ _ (a ^ size ks)%N) ?size_map // (rect_inner box_K).
Qed.

End Cascade3D.
End Dilated3D.

(* The main theorem, with every hypothesis explicit. *)

(* The cascade identity in 3D: for a x a x a kernels K_0 .. K_L and any non-empty box x,
   K_L *_(a^L) ( ... (K_1 *_a (K_0 * x)) ...) = (K_L (x) ... (x) K_0) * x. *)
Theorem cascade_kronecker_3d (R : comRingType) (a wx1 wx2 : nat)
    (ks : seq (seq (seq (seq R)))) (x : seq (seq (seq R))) :
  (0 < a)%N -> all (fun k => (size k == a) && box a a k) ks ->
  (0 < size x)%N -> (0 < wx1)%N -> box wx1 wx2 x ->
  cascade3 a ks x = dconv3 1 (kron_all3 ks) x.
Proof. by move=> pos_a; apply: cascade_kron_all3. Qed.

(* Its impulse response: the 3D composite kernel is K_L (x) ... (x) K_0. *)
Theorem composite_kronecker_3d (R : comRingType) (a : nat) (ks : seq (seq (seq (seq R)))) :
  (0 < a)%N -> all (fun k => (size k == a) && box a a k) ks ->
  cascade3 a ks [:: [:: [:: 1]]] = kron_all3 ks.
Proof. by move=> pos_a; apply: composite_kron_all3. Qed.
