"""The category model: building it reproducibly, caching it per user, loading it once per process.

The model is a scikit-learn pipeline (TF-IDF over character 1–3-grams and jieba words, plus cue
columns → calibrated linear SVM). It is small and quick to fit, so it is not shipped: it is built
on first use (a few seconds) into cache_dir()/classify/, under a name made from a hash of the
corpus, the taxonomy and this code, so a changed corpus or code rebuilds it. Beside each model
file lies its LinearScorer (scorer-<key>.pkl): plain arrays, which is all classifying loads, so a
process that only classifies never imports scikit-learn. `xuncha train --data` builds a model
that also learns the user's statements and records it as the active model.
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
from xuncha.classify.scorer import LinearScorer
from xuncha.nlp.segment import engine_tag

# Bump when features or model settings change in a way the file hashes below would not notice.
MODEL_VERSION = "2"
SEED = 13

_lock = threading.RLock()  # get_scorer may call get_model
_model = None
_scorer = None


def make_pipeline():
    """An unfitted pipeline; every random choice is seeded so a rebuild gives the same model.

    A linear SVM fits in well under a second here and, calibrated by 3-fold sigmoid scaling,
    gives probabilities; in cross-validation it matched logistic regression at a tenth of the time.
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.svm import LinearSVC

    from xuncha.classify.cue_columns import CueFeatures

    chars = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
    words = TfidfVectorizer(tokenizer=features.word_tokens, token_pattern=None, lowercase=False,
                            ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    union = FeatureUnion([("chars", chars), ("words", words), ("cues", CueFeatures())],
                         transformer_weights={"chars": 1.0, "words": 1.0, "cues": 0.3})
    clf = CalibratedClassifierCV(LinearSVC(C=0.5, random_state=SEED), cv=3, method="sigmoid")
    return Pipeline([("features", union), ("clf", clf)])


class CategoryModel:
    """A fitted pipeline (kept for refits and inspection) and its LinearScorer (used to classify)."""

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

    def scorer(self) -> LinearScorer:
        if getattr(self, "_scorer", None) is None:
            self._scorer = LinearScorer.from_pipeline(self.pipeline)
        return self._scorer

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_scorer", None)  # saved in its own file, so classifying needs no sklearn
        return state

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Rows of class probabilities (columns in self.classes) for raw texts; see LinearScorer."""
        return self.scorer().predict_proba(texts)


def _code_files() -> list[Path]:
    here = Path(__file__).resolve().parent
    return [here / name for name in ("features.py", "model.py", "corpus.py", "scorer.py", "cue_columns.py")]


def _data_files() -> list[Path]:
    """Taxonomy (cue columns) and the segmentation dictionary (word features) shape the model too."""
    folder = resources.files("xuncha.corpora")
    return [Path(str(folder / "taxonomy.json")), Path(str(folder / "userdict.txt"))]


def base_key() -> str:
    """Hash of everything the built-in model depends on: corpus, taxonomy, dictionary, code, sklearn,
    and the segmentation engine."""
    from importlib.metadata import version

    paths = [*corpus.statement_files(), *_data_files(), *_code_files()]
    salt = f"v{MODEL_VERSION}/sklearn{version('scikit-learn')}/{engine_tag()}"
    return corpus.files_digest(paths, salt=salt)


def model_dir() -> Path:
    from xuncha.nlp.segment import cache_dir

    path = cache_dir() / "classify"
    path.mkdir(parents=True, exist_ok=True)
    return path


def scorer_path(model_path: Path) -> Path:
    """Where a model's LinearScorer is kept: scorer-<key>.pkl beside model-<key>.pkl."""
    return model_path.with_name("scorer-" + model_path.name.removeprefix("model-"))


def _save(obj: CategoryModel | LinearScorer, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pkl")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def _load(path: Path, kind: type = CategoryModel):
    """The `kind` object pickled at `path`, or None (a stale or truncated cache file is rebuilt,
    never fatal)."""
    try:
        with open(path, "rb") as f:
            obj = pickle.load(f)
        return obj if isinstance(obj, kind) else None
    except Exception:
        return None


def build(extra_data_paths: Sequence[str | os.PathLike] = ()) -> Path:
    """Fit on the corpus plus extra labelled files, save under the cache and return its path.

    With extra files the result also becomes the active model (active.json) until the corpus or
    code changes, when it is rebuilt from the same files if they still exist.
    """
    global _model, _scorer
    path, _model = _fit_and_save(extra_data_paths)
    _scorer = _model.scorer()
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
    _save(model.scorer(), scorer_path(path))
    active = model_dir() / "active.json"
    if extras:
        active.write_text(json.dumps({"base": base, "model": path.name, "extra": [str(p) for p in extras]},
                                     ensure_ascii=False), encoding="utf-8")
    elif active.exists():
        active.unlink()
    _prune({path.name, f"model-{base}.pkl"})
    return path, model


def _active_info() -> dict:
    """active.json: the user-trained model in use ({} when there is none or it is unreadable)."""
    active = model_dir() / "active.json"
    try:
        info = json.loads(active.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def _active_model(base: str) -> CategoryModel | None:
    info = _active_info()
    if not info:
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


def get_scorer() -> LinearScorer:
    """The process-wide scorer of the model get_model() would give, loaded from its own small
    file without importing scikit-learn; only when that file is missing is the model loaded
    (or built) and the scorer derived from it and saved."""
    global _scorer
    if _scorer is None:
        with _lock:
            if _scorer is None:
                base = base_key()
                info = _active_info()
                name = info.get("model") if info.get("base") == base else None
                scorer = _load(scorer_path(model_dir() / (name or f"model-{base}.pkl")), LinearScorer)
                if scorer is None:
                    model = get_model()
                    scorer = model.scorer()
                    _save(scorer, scorer_path(model_dir() / f"model-{model.key}.pkl"))
                _scorer = scorer
    return _scorer


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
    keep = keep | {scorer_path(Path(name)).name for name in keep}
    for old in [*model_dir().glob("model-*.pkl"), *model_dir().glob("scorer-*.pkl")]:
        if old.name not in keep:
            try:
                old.unlink()
            except OSError:
                pass
