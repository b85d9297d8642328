"""Executable semantics of architecture descriptions: backends, weights, evaluation."""

from kronconv.semantics.backends import BACKENDS, Backend, get_backend
from kronconv.semantics.evaluate import evaluate
from kronconv.semantics.reference import reference_evaluate
from kronconv.semantics.shapes import node_sizes
from kronconv.semantics.weights import Weights, random_weights, symbolic_weights

__all__ = ["BACKENDS", "Backend", "Weights", "evaluate", "get_backend", "node_sizes",
           "random_weights", "reference_evaluate", "symbolic_weights"]
