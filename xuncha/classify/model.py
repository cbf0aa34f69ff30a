"""The category model: building it reproducibly, caching it per user, loading it once per process.

The model is a scikit-learn pipeline (TF-IDF over character 1–3-grams and jieba words, plus cue
columns → logistic regression). It is small and quick to fit, so it is not shipped: it is built
on first use (a few seconds) into cache_dir()/classify/, under a name made from a hash of the
corpus, the taxonomy and this code, so a changed corpus or code rebuilds it. `xuncha train --data`
builds one that also learns the user's statements and records it as the active model.
"""

from __future__ import annotations

import json
import os
import pickle
import tempfile
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np

from xuncha.classify import corpus, features

# Bump when features or model settings change in a way the file hashes below would not notice.
MODEL_VERSION = "1"
SEED = 13
# Cue words decide where the model hesitates: below this top probability, when the matched cue
# words all belong to one category, that category's share is raised by CUE_BLEND. Cross-validation
# showed blending everywhere costs accuracy (the model already sees the cues as features).
CUE_DECISIVE_BELOW = 0.4
CUE_BLEND = 0.5

_lock = threading.Lock()
_model = None


def make_pipeline():
    """An unfitted pipeline; every random choice is seeded so a rebuild gives the same model.

    A linear SVM fits in well under a second here and, calibrated by 3-fold sigmoid scaling,
    gives probabilities; in cross-validation it matched logistic regression at a tenth of the time.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
    words = TfidfVectorizer(tokenizer=features.word_tokens, token_pattern=None, lowercase=False,
                            ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    union = FeatureUnion([("chars", chars), ("words", words), ("cues", features.CueFeatures())],
                         transformer_weights={"chars": 1.0, "words": 1.0, "cues": 0.3})
    clf = CalibratedClassifierCV(LinearSVC(C=0.5, random_state=SEED), cv=3, method="sigmoid")
    return Pipeline([("features", union), ("clf", clf)])


class CategoryModel:
    """A fitted pipeline plus the blend with cue words; texts go in raw, probabilities come out."""

    def __init__(self, pipeline, key: str = ""):
        self.pipeline = pipeline
        self.key = key
        self.classes: list[str] = [str(c) for c in pipeline.classes_]

    @classmethod
    def fit(cls, records: Sequence[dict], key: str = "") -> "CategoryModel":
        texts = [features.normalize(r["text"]) for r in records]
        labels = [r["category"] for r in records]
        pipe = make_pipeline()
        pipe.fit(texts, labels)
        return cls(pipe, key)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of class probabilities (columns in self.classes) for raw texts.

        Cue words are decisive only where the model hesitates (top probability below
        CUE_DECISIVE_BELOW) and all matched cues name one category.
        """
        norm = [features.normalize(t) for t in texts]
        proba = self._fast_proba(norm)
        order = [cid for cid, _ in features.category_cues()]
        cols = [order.index(c) for c in self.classes]
        for i, t in enumerate(norm):
            if proba[i].max() >= CUE_DECISIVE_BELOW:
                continue
            scores = features.cue_scores(t)[cols]
            if np.count_nonzero(scores) == 1:
                proba[i] = (1 - CUE_BLEND) * proba[i] + CUE_BLEND * (scores > 0)
        return proba

    def _fast_proba(self, norm: Sequence[str]) -> np.ndarray:
        """The pipeline's predict_proba, computed directly from its fitted parts.

        Same numbers as sklearn's (tests compare them), without its per-call validation, which
        cost more than the arithmetic itself: the union's blocks are stacked with their weights,
        each calibration fold's SVM decision goes through its per-class sigmoid, rows are
        normalised and the folds averaged, exactly as CalibratedClassifierCV does.
        """
        folds = self._compiled()
        if folds is None:
            return self.pipeline.predict_proba(norm)
        from scipy import sparse

        union = self.pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        X = sparse.hstack([t.transform(norm) * weights.get(name, 1.0) for name, t in union.transformer_list],
                          format="csr")
        total = np.zeros((X.shape[0], len(self.classes)))
        for coef, intercept, a, b in folds:
            proba = 1.0 / (1.0 + np.exp(a * (X @ coef.T + intercept) + b))
            denom = proba.sum(axis=1, keepdims=True)
            total += np.divide(proba, denom, out=np.full_like(proba, 1.0 / proba.shape[1]), where=denom != 0)
        total /= len(folds)
        total[(total > 1.0) & (total <= 1.0 + 1e-5)] = 1.0
        return total

    def _compiled(self):
        """(coef, intercept, sigmoid a, sigmoid b) per calibration fold, or None where the fitted
        model is not the multi-class calibrated linear SVM this shortcut knows."""
        if getattr(self, "_folds", None) is None:
            clf = self.pipeline.named_steps["clf"]
            folds = []
            for fold in getattr(clf, "calibrated_classifiers_", []):
                est = fold.estimator
                cals = fold.calibrators
                if getattr(clf, "method", "") != "sigmoid" or est.coef_.shape[0] != len(self.classes) \
                        or len(cals) != len(self.classes):
                    folds = []
                    break
                folds.append((est.coef_, est.intercept_, np.array([c.a_ for c in cals]),
                              np.array([c.b_ for c in cals])))
            self._folds = folds or False
        return self._folds or None

    def _coef(self) -> np.ndarray:
        """Per-class linear weights (averaged over the calibration folds' SVMs)."""
        if getattr(self, "_coef_cache", None) is None:
            clf = self.pipeline.named_steps["clf"]
            if hasattr(clf, "calibrated_classifiers_"):
                coef = np.mean([c.estimator.coef_ for c in clf.calibrated_classifiers_], axis=0)
            else:
                coef = clf.coef_
            self._coef_cache = coef if coef.shape[0] == len(self.classes) else np.vstack([-coef[0], coef[0]])
        return self._coef_cache

    def top_words(self, text: str, category: str, k: int = 4) -> list[str]:
        """The words of `text` that speak most for `category` (for explanations)."""
        union = self.pipeline.named_steps["features"]
        words = dict(union.transformer_list)["words"]
        coef = self._coef()[list(self.classes).index(category)]
        offset = len(dict(union.transformer_list)["chars"].vocabulary_)
        vocab = words.vocabulary_
        scored = []
        for w in dict.fromkeys(features.word_tokens(features.normalize(text))):
            j = vocab.get(w)
            if j is not None and len(w) > 1:
                scored.append((coef[offset + j], w))
        return [w for s, w in sorted(scored, reverse=True)[:k] if s > 0]


def _code_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / "features.py", here / "model.py", here / "corpus.py"]


def _data_files() -> list[Path]:
    """Taxonomy (cue columns) and the segmentation dictionary (word features) shape the model too."""
    folder = resources.files("xuncha.corpora")
    return [Path(str(folder / "taxonomy.json")), Path(str(folder / "userdict.txt"))]


def _segmenter_tag() -> str:
    """The segmentation engine and its version: word features (and so the model) depend on them."""
    from importlib.metadata import PackageNotFoundError, version

    from xuncha.nlp.segment import tokenizer

    name = tokenizer().name
    try:
        return f"{name}{version(name)}"
    except PackageNotFoundError:
        return name


def base_key() -> str:
    """Hash of everything the built-in model depends on: corpus, taxonomy, dictionary, code, sklearn,
    and the segmentation engine."""
    import sklearn

    paths = [*corpus.statement_files(), *_data_files(), *_code_files()]
    salt = f"v{MODEL_VERSION}/sklearn{sklearn.__version__}/{_segmenter_tag()}"
    return corpus.files_digest(paths, salt=salt)


def model_dir() -> Path:
    from xuncha.nlp.segment import cache_dir

    path = cache_dir() / "classify"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _save(model: CategoryModel, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(model, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _load(path: Path) -> CategoryModel | None:
    try:
        with open(path, "rb") as f:
            model = pickle.load(f)
        return model if isinstance(model, CategoryModel) else None
    except Exception:  # a stale or truncated cache file is rebuilt, never fatal
        return None


def build(extra_data_paths: Sequence[str | os.PathLike] = ()) -> Path:
    """Fit on the corpus plus extra labelled files, save under the cache and return its path.

    With extra files the result also becomes the active model (active.json) until the corpus or
    code changes, when it is rebuilt from the same files if they still exist.
    """
    global _model
    path, _model = _fit_and_save(extra_data_paths)
    return path


def _fit_and_save(extra_data_paths: Sequence[str | os.PathLike]) -> tuple[Path, CategoryModel]:
    extras = [Path(p).resolve() for p in extra_data_paths]
    records = corpus.load_statements()
    for p in extras:
        records.extend(corpus.read_jsonl(p, require_domain=False))
    if len({r["category"] for r in records}) < 2:
        raise corpus.CorpusError("corpora/statements", "need labelled statements of at least two categories")
    base = base_key()
    key = base if not extras else corpus.files_digest(extras, salt=base)
    path = model_dir() / f"model-{key}.pkl"
    model = CategoryModel.fit(records, key)
    _save(model, path)
    active = model_dir() / "active.json"
    if extras:
        active.write_text(json.dumps({"base": base, "model": path.name, "extra": [str(p) for p in extras]},
                                     ensure_ascii=False), encoding="utf-8")
    elif active.exists():
        active.unlink()
    _prune({path.name, f"model-{base}.pkl"})
    return path, model


def _active_model(base: str) -> CategoryModel | None:
    active = model_dir() / "active.json"
    if not active.exists():
        return None
    try:
        info = json.loads(active.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if info.get("base") == base:
        model = _load(model_dir() / info.get("model", ""))
        if model is not None:
            return model
    extras = [p for p in info.get("extra", []) if Path(p).is_file()]
    if not extras:
        return None
    try:
        return _fit_and_save(extras)[1]
    except corpus.CorpusError:
        return None


def get_model() -> CategoryModel:
    """The process-wide model: the active user-trained one, else the cached built-in one, else built now."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                base = base_key()
                path = model_dir() / f"model-{base}.pkl"
                model = _active_model(base) or _load(path)
                if model is None:
                    with _build_lock():  # parallel workers: one builds, the others load its file
                        model = _load(path) or _fit_and_save(())[1]
                _model = model
    return _model


@contextmanager
def _build_lock():
    """An inter-process lock on the model directory (no-op where flock is unavailable)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(model_dir() / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prune(keep: set[str]) -> None:
    """Remove model files no longer reachable (older corpus or code), keeping `keep`."""
    for old in model_dir().glob("model-*.pkl"):
        if old.name not in keep:
            try:
                old.unlink()
            except OSError:
                pass
