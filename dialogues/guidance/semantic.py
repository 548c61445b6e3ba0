"""Semantic similarity between a question and the cards, from a small embedding model that
ships inside its package (WordLlama 0.4.0.post1: static 256-dimension token embeddings and their
tokenizer are in the wheel), so nothing is ever fetched at run time.

The files are read straight from the installed package (its own loader looks for the
tokenizer under `wordllama/tokenizer/` while the wheel ships `wordllama/tokenizers/`, and falls
back to a Hugging Face download); there is no code path that fetches anything.

The model is loaded once per process, on first use (never at import time: `coachbot check`,
`graph` and a chat that asks nothing never pay for it); card vectors are computed per content
load (about 0.1 s for every card in English and Spanish), so a /reload embeds the new cards.
Without the package the search stays lexical and says so once in the log.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dialogues.guidance.cards import Card, OutOfScope, Unanswered

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

Encoder = Callable[[list[str]], "np.ndarray"]  # texts -> (n, dim) L2-normalised float32

TOKENIZER_FILE = "l2_supercat_tokenizer_config.json"  # the files of wordllama 0.4.0.post1
WEIGHTS_FILE = "l2_supercat_256.safetensors"
BATCH = 32

_lock = threading.Lock()
_loaded: list[Encoder | None] = []  # empty: not tried yet; [None]: tried, unavailable


def load_wordllama() -> Encoder:
    """WordLlama's 256-dimension vectors and tokenizer, read from its installed package only.

    The files are read directly (tokenizers + safetensors) and embedded the way its
    `WordLlamaInference.embed` does: the mean of the token vectors over the attention mask,
    L2-normalised. Importing `wordllama` itself would add ~0.5 s of configuration (pydantic,
    toml, requests) for nothing. Raises ImportError or OSError; there is no download path."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tokenizers can reach the hub: never here
    import numpy as np
    from safetensors import safe_open
    from tokenizers import Tokenizer

    spec = importlib.util.find_spec("wordllama")  # its folder, without running its __init__
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the 'wordllama' package is not installed")
    root = Path(next(iter(spec.submodule_search_locations)))
    tokenizer = Tokenizer.from_file(str(root / "tokenizers" / TOKENIZER_FILE))
    tokenizer.no_truncation()
    with safe_open(str(root / "weights" / WEIGHTS_FILE), framework="np", device="cpu") as file:
        table = file.get_tensor("embedding.weight")  # half precision: widened per batch

    def encode(texts: list[str]) -> np.ndarray:
        """Texts in batches of similar length, so padding stays small (a batch of card texts
        padded to the longest would take a gigabyte of token vectors)."""
        pooled = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        ids_of = [e.ids for e in tokenizer.encode_batch(texts, add_special_tokens=False)]
        by_length = sorted(range(len(texts)), key=lambda i: len(ids_of[i]))
        for start in range(0, len(texts), BATCH):
            rows = by_length[start:start + BATCH]
            width = max(len(ids_of[i]) for i in rows)
            if width == 0:
                continue
            ids = np.zeros((len(rows), width), dtype=np.int32)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for row, i in enumerate(rows):
                ids[row, :len(ids_of[i])] = ids_of[i]
                mask[row, :len(ids_of[i])] = 1.0
            np.clip(ids, 0, table.shape[0] - 1, out=ids)
            summed = np.einsum("rt,rtd->rd", mask, table[ids].astype(np.float32))
            pooled[rows] = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.where(norms == 0, 1.0, norms)

    return encode


def shared_encoder() -> Encoder | None:
    """The process's model, loaded on first call (thread-safe); None when it cannot load."""
    with _lock:
        if not _loaded:
            try:
                _loaded.append(load_wordllama())
            except (ImportError, OSError) as error:
                log.warning("semantic search is off (%s: %s); quick guidance stays lexical — "
                            "install the 'wordllama' package to turn it on",
                            type(error).__name__, error)
                _loaded.append(None)
        return _loaded[0]


def encoder_ready() -> bool:
    """Whether the model is already loaded, so card vectors can be built without waiting."""
    return bool(_loaded)


def card_text(card: Card) -> str:
    """What a card is about, in one text: its question, the phrasings staff use, its answer
    (one vector of all three ranked better than the best of one vector per field)."""
    return " ".join([card.title, *card.also_asked, card.answer])


class SemanticIndex:
    """Card vectors for one ordered list of cards and their translations (a card's similarity
    is the best over its languages, so a Spanish question meets the Spanish card text), and
    vectors for what the guidelines leave out, to tell a question about it from one the cards
    answer: each phrase of the reviewers' out-of-scope topics, and each question staff asked
    that no card answers (content/<locale>/unanswered.yaml). A question resembles another
    question more than a two-word phrase, so the questions catch what nobody listed as a topic:
    left out of the list in turn, each round of unseen tuning questions was declined more often
    (the mean share over nine rounds 92.5 -> 93.5 %) while a right card stayed in the first three
    as often (95.9 -> 96.3 %; BENCHMARKS.md, "Stop 23")."""

    def __init__(self, cards: Sequence[Card], encode: Encoder,
                 translations: Iterable[Iterable[Card]] = (),
                 out_of_scope: Iterable[OutOfScope] = (),
                 unanswered: Iterable[Unanswered] = ()) -> None:
        import numpy as np

        self.cards = tuple(cards)
        self._encode = encode
        # A question declined is looked up again for the listed question it came near: the
        # last few questions' vectors are kept, so it is embedded once.
        self._vector = functools.lru_cache(maxsize=32)(self._embed)
        position = {card.id: i for i, card in enumerate(self.cards)}
        owners = list(range(len(self.cards)))
        texts = [card_text(card) for card in self.cards]
        for translated in translations:
            for card in translated:
                if card.id in position:
                    owners.append(position[card.id])
                    texts.append(card_text(card))
        self._owner = np.asarray(owners, dtype=np.intp)
        phrases = [phrase for topic in out_of_scope for phrase in topic.phrases]
        self.unanswered = tuple(unanswered)
        phrases += [item.question for item in self.unanswered]
        vectors = encode(texts + phrases) if texts or phrases else np.zeros((0, 1), np.float32)
        self._vectors = vectors[:len(texts)]
        self._outside = vectors[len(texts):]

    def _embed(self, question: str) -> np.ndarray:
        vector = self._encode([question])[0]
        vector.setflags(write=False)  # shared by the cache
        return vector

    def similarities(self, question: str) -> tuple[np.ndarray, float]:
        """Cosine similarity of `question` to each card (in `cards` order), and to the nearest
        out-of-scope phrase or unanswered question (-1 without either)."""
        import numpy as np

        vector = self._vector(question[:2000])
        best = np.full(len(self.cards), -1.0, dtype=np.float32)
        np.maximum.at(best, self._owner, self._vectors @ vector)
        outside = float((self._outside @ vector).max()) if len(self._outside) else -1.0
        return best, outside

    def nearest_unanswered(self, question: str) -> tuple[Unanswered | None, float]:
        """The listed unanswered question nearest `question` in meaning, and its similarity, so
        a reviewer sees which one a declined question resembled (None without a list)."""
        if not self.unanswered:
            return None, -1.0
        vector = self._vector(question[:2000])
        similarity = self._outside[len(self._outside) - len(self.unanswered):] @ vector
        nearest = int(similarity.argmax())
        return self.unanswered[nearest], float(similarity[nearest])


def fuse(*rankings: Sequence[str], k: int) -> list[str]:
    """Reciprocal rank fusion: each ranking (ids, best first) gives a card 1 / (k + place).

    Ties keep the order in which cards first appear, so the first ranking passed wins them."""
    score: dict[str, float] = {}
    for ranking in rankings:
        for place, card_id in enumerate(ranking, start=1):
            score[card_id] = score.get(card_id, 0.0) + 1.0 / (k + place)
    return sorted(score, key=lambda card_id: -score[card_id])
