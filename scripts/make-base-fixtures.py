#!/usr/bin/python3
"""Builds tiny pretrained-base fixtures in the Hugging Face folder layout for the importer's tests.

Each model follows its published architecture and tensor names (BERT, RoBERTa, XLM-RoBERTa,
DistilBERT, ELECTRA discriminator, GPT-2), with random weights at toy sizes. The script writes
config.json, model.safetensors (or shards with model.safetensors.index.json; the format is written
by hand: 8-byte little-endian header length, JSON header, raw little-endian tensor bytes),
tokenizer.json and tokenizer_config.json with small vocabularies it builds itself, and
reference.json: the last hidden states (float64 forward pass, one row per token) for a few id
sequences. Where Hugging Face's `tokenizers` package is importable it also writes
tokenizer-reference.json: its ids for tests/fixtures/bases/awkward-texts.json (and, with sentencepiece, the compiled
nmt_nfkc map in xlmr-tiny's tokenizer.json and the library's normalisation with it in normalizer-reference.json).
Run with Debian's python3 (torch 1.13, numpy):

    /usr/bin/python3 scripts/make-base-fixtures.py [OUT_DIR]    # default tests/fixtures/bases
    /usr/bin/python3 scripts/make-base-fixtures.py --minilm DIR  # a MiniLM-sized BERT (6 x 384, vocab 30522,
                                                                 # ~90 MB, random weights) for import benchmarks
"""
import json
import math
import os
import struct
import sys
from collections import Counter

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] != '--minilm' else os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'bases')

CORPUS = """The quick brown fox jumps over the lazy dog. A café in Zürich serves crème brûlée and naïve
coffee. Transformers learn attention over tokens; attention is all you need! Models read text,
predict labels and explain their choices. Hello world, hello again: the world is wide and the
words are many. Internationalisation matters: 中文 文本 很 好, 日本語 も, 한국어 도. Numbers 123 and
2024 appear too. Don't stop; it's fine, we'll see, they're here, I'm sure, you've won, he'd go.
Running runner runs quickly; reading readers read. unbelievable unbelievably believe believer"""

# ---------------------------------------------------------------- safetensors, by hand

DTYPES = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16'}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype('<i2').tobytes()
    if t.dtype == torch.float16:
        return t.numpy().astype('<f2').tobytes()
    return t.numpy().astype('<f4').tobytes()


def write_safetensors(path, tensors):
    header = {'__metadata__': {'format': 'pt'}}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        b = tensor_bytes(t)
        header[name] = {'dtype': DTYPES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(',', ':')).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def write_weights(folder, tensors, shards):
    if shards == 1:
        write_safetensors(os.path.join(folder, 'model.safetensors'), tensors)
        return
    names = list(tensors)
    per = math.ceil(len(names) / shards)
    weight_map = {}
    total = 0
    for s in range(shards):
        fname = 'model-%05d-of-%05d.safetensors' % (s + 1, shards)
        part = {n: tensors[n] for n in names[s * per:(s + 1) * per]}
        write_safetensors(os.path.join(folder, fname), part)
        for n, t in part.items():
            weight_map[n] = fname
            total += t.numel() * t.element_size()
    with open(os.path.join(folder, 'model.safetensors.index.json'), 'w') as f:
        json.dump({'metadata': {'total_size': total}, 'weight_map': weight_map}, f, indent=1)


# ---------------------------------------------------------------- tokenizers

def words_of(text):
    out, cur = [], ''
    for ch in text:
        if ch.isspace():
            if cur:
                out.append(cur)
            cur = ''
        elif not ch.isalnum():
            if cur:
                out.append(cur)
            out.append(ch)
            cur = ''
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def strip_accents_lower(text):
    import unicodedata
    text = unicodedata.normalize('NFD', text.lower())
    return ''.join(c for c in text if unicodedata.category(c) != 'Mn')


def wordpiece_tokenizer():
    specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
    words = words_of(strip_accents_lower(CORPUS))
    chars = sorted({c for w in words for c in w})
    counts = Counter(words)
    vocab = list(specials) + chars + ['##' + c for c in chars if c.isalnum()]
    for w, _ in counts.most_common(60):
        if w not in vocab and len(w) > 1:
            vocab.append(w)
    for piece in ['##s', '##ing', '##er', '##ly', '##able', '##ed', 'un', '##believ', 'believ', '##e', 'run', '##n', 'read']:
        if piece not in vocab:
            vocab.append(piece)
    ids = {t: i for i, t in enumerate(vocab)}
    tok = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': ids[s], 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True} for s in specials],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {s: {'id': s, 'ids': [ids[s]], 'tokens': [s]} for s in ['[CLS]', '[SEP]']},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': ids},
    }
    cfg = {'do_lower_case': True, 'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]', 'model_max_length': 64, 'tokenizer_class': 'BertTokenizer'}
    return tok, cfg, len(vocab), {'cls': ids['[CLS]'], 'sep': ids['[SEP]'], 'pad': ids['[PAD]']}


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def learn_bpe(n_merges):
    enc = bytes_to_unicode()
    words = Counter()
    for i, w in enumerate(CORPUS.split()):
        words[''.join(enc[b] for b in ((' ' if i else '') + w).encode('utf-8'))] += 1
    splits = {w: list(w) for w in words}
    merges = []
    for _ in range(n_merges):
        pairs = Counter()
        for w, c in words.items():
            s = splits[w]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append((a, b))
        for w in words:
            s, out, i = splits[w], [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            splits[w] = out
    alphabet = [enc[b] for b in range(256)]
    return alphabet, merges


def bpe_tokenizer(roberta):
    alphabet, merges = learn_bpe(120)
    head = ['<s>', '<pad>', '</s>', '<unk>'] if roberta else []
    vocab = head + alphabet + [a + b for a, b in merges]
    tail = ['<mask>'] if roberta else ['<|endoftext|>']
    vocab += [t for t in tail]
    ids = {}
    for t in vocab:
        ids.setdefault(t, len(ids))
    specials = head + tail
    added = [{'id': ids[s], 'content': s, 'single_word': False, 'lstrip': s == '<mask>', 'rstrip': False, 'normalized': False, 'special': True} for s in specials]
    tok = {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
        'normalizer': None,
        'pre_tokenizer': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': True, 'use_regex': True},
        'post_processor': {'type': 'RobertaProcessing', 'sep': ['</s>', ids['</s>']], 'cls': ['<s>', ids['<s>']], 'trim_offsets': True, 'add_prefix_space': False}
        if roberta else {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': False, 'use_regex': True},
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': True, 'trim_offsets': True, 'use_regex': True},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '', 'end_of_word_suffix': '', 'fuse_unk': False, 'byte_fallback': False,
                  'ignore_merges': False, 'vocab': ids, 'merges': [a + ' ' + b for a, b in merges]},
    }
    if roberta:
        cfg = {'bos_token': '<s>', 'eos_token': '</s>', 'sep_token': '</s>', 'cls_token': '<s>', 'unk_token': '<unk>', 'pad_token': '<pad>',
               'mask_token': {'content': '<mask>', 'lstrip': True, 'rstrip': False, 'normalized': False, 'single_word': False, '__type': 'AddedToken'},
               'model_max_length': 64, 'tokenizer_class': 'RobertaTokenizer'}
        sp = {'cls': ids['<s>'], 'sep': ids['</s>'], 'pad': ids['<pad>']}
    else:
        cfg = {'bos_token': '<|endoftext|>', 'eos_token': '<|endoftext|>', 'unk_token': '<|endoftext|>', 'model_max_length': 64, 'tokenizer_class': 'GPT2Tokenizer'}
        sp = {'cls': None, 'sep': None, 'pad': None}
    return tok, cfg, len(ids), sp


def unigram_tokenizer():
    import unicodedata
    text = unicodedata.normalize('NFKC', CORPUS)
    words = ['\u2581' + w for w in text.split()]
    counts = Counter()
    for w in words:
        for i in range(len(w)):
            for j in range(i + 1, min(len(w), i + 7) + 1):
                piece = w[i:j]
                if '\u2581' in piece[1:]:
                    continue
                counts[piece] += 1
    chars = {c for w in words for c in w}
    chars.discard('ü')  # one letter of the text left out: it must become <unk>
    pieces = sorted(chars)
    for piece, c in counts.most_common():
        if len(pieces) >= 260:
            break
        if len(piece) > 1 and c >= 2 and piece not in pieces and 'ü' not in piece:
            pieces.append(piece)
    total = sum(counts[p] for p in pieces) + len(pieces)
    scored = [(p, math.log((counts[p] + 1) / total) - 0.01 * i / len(pieces)) for i, p in enumerate(pieces)]
    vocab = [['<s>', 0.0], ['<pad>', 0.0], ['</s>', 0.0], ['<unk>', 0.0]] + [[p, s] for p, s in scored] + [['<mask>', 0.0]]
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    specials = ['<s>', '<pad>', '</s>', '<unk>', '<mask>']
    tok = {
        'version': '1.0', 'truncation': None, 'padding': None,
        'added_tokens': [{'id': ids[s], 'content': s, 'single_word': False, 'lstrip': s == '<mask>', 'rstrip': False, 'normalized': False, 'special': True} for s in specials],
        'normalizer': {'type': 'Sequence', 'normalizers': [{'type': 'Precompiled', 'precompiled_charsmap': None}, {'type': 'Replace', 'pattern': {'Regex': ' {2,}'}, 'content': ' '}]},
        'pre_tokenizer': {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': True},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '<s>', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}},
                     {'SpecialToken': {'id': '</s>', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 0}}, {'SpecialToken': {'id': '</s>', 'type_id': 0}}],
            'special_tokens': {s: {'id': s, 'ids': [ids[s]], 'tokens': [s]} for s in ['<s>', '</s>']},
        },
        'decoder': {'type': 'Metaspace', 'replacement': '\u2581', 'prepend_scheme': 'always', 'split': True},
        'model': {'type': 'Unigram', 'unk_id': ids['<unk>'], 'vocab': vocab, 'byte_fallback': False},
    }
    cfg = {'bos_token': '<s>', 'eos_token': '</s>', 'sep_token': '</s>', 'cls_token': '<s>', 'unk_token': '<unk>', 'pad_token': '<pad>', 'mask_token': '<mask>',
           'model_max_length': 64, 'tokenizer_class': 'XLMRobertaTokenizer'}
    return tok, cfg, len(vocab), {'cls': ids['<s>'], 'sep': ids['</s>'], 'pad': ids['<pad>']}


# ---------------------------------------------------------------- models (random weights, published names)

D, H, L, F, P = 16, 4, 2, 32, 40  # hidden, heads, layers, feed-forward, positions


def rnd(gen, *shape, std=0.3):
    return torch.randn(*shape, generator=gen) * std


def ln_params(gen, prefix, d=None):
    d = d or D
    return {prefix + '.weight': 1 + rnd(gen, d, std=0.1), prefix + '.bias': rnd(gen, d, std=0.1)}


def linear(gen, prefix, n_in, n_out):
    return {prefix + '.weight': rnd(gen, n_out, n_in), prefix + '.bias': rnd(gen, n_out, std=0.1)}  # nn.Linear: [out, in]


def bert_layer_weights(gen, p):
    w = {}
    for n in ['query', 'key', 'value']:
        w.update(linear(gen, p + '.attention.self.' + n, D, D))
    w.update(linear(gen, p + '.attention.output.dense', D, D))
    w.update(ln_params(gen, p + '.attention.output.LayerNorm'))
    w.update(linear(gen, p + '.intermediate.dense', D, F))
    w.update(linear(gen, p + '.output.dense', F, D))
    w.update(ln_params(gen, p + '.output.LayerNorm'))
    return w


def gelu_erf(x):
    return 0.5 * x * (1 + torch.erf(x / math.sqrt(2)))


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def attention(x, q, k, v, causal):
    T = x.shape[0]
    dh = D // H
    qh, kh, vh = (t.view(T, H, dh).transpose(0, 1) for t in (q, k, v))
    s = qh @ kh.transpose(1, 2) / math.sqrt(dh)
    if causal:
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float('-inf'))
    return (torch.softmax(s, -1) @ vh).transpose(0, 1).reshape(T, D)


def lin(W, p, x):
    return x @ W[p + '.weight'].T + W[p + '.bias']


def ln(W, p, x, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), W[p + '.weight'], W[p + '.bias'], eps)


def bert_encoder(W, pre, x, eps):
    """BertEncoder: post-LN layers (Devlin et al. 2019), exact-erf GELU."""
    for i in range(L):
        p = '%sencoder.layer.%d' % (pre, i)
        a = attention(x, lin(W, p + '.attention.self.query', x), lin(W, p + '.attention.self.key', x), lin(W, p + '.attention.self.value', x), False)
        x = ln(W, p + '.attention.output.LayerNorm', lin(W, p + '.attention.output.dense', a) + x, eps)
        h = gelu_erf(lin(W, p + '.intermediate.dense', x))
        x = ln(W, p + '.output.LayerNorm', lin(W, p + '.output.dense', h) + x, eps)
    return x


def make_bert(gen, V, pre, pooler, type_vocab, pos_len, emb_size=None):
    emb_size = emb_size or D
    w = {}
    w[pre + 'embeddings.word_embeddings.weight'] = rnd(gen, V, emb_size)
    w[pre + 'embeddings.position_embeddings.weight'] = rnd(gen, pos_len, emb_size)
    w[pre + 'embeddings.token_type_embeddings.weight'] = rnd(gen, type_vocab, emb_size)
    w.update(ln_params(gen, pre + 'embeddings.LayerNorm', emb_size))
    if emb_size != D:
        w.update(linear(gen, pre + 'embeddings_project', emb_size, D))
    for i in range(L):
        w.update(bert_layer_weights(gen, '%sencoder.layer.%d' % (pre, i)))
    if pooler:
        w.update(linear(gen, pre + 'pooler.dense', D, D))
    return w


def bert_forward(W, pre, ids, eps, pos_offset, emb_project):
    T = len(ids)
    idx = torch.tensor(ids)
    pos = torch.arange(T) + pos_offset
    x = W[pre + 'embeddings.word_embeddings.weight'][idx] + W[pre + 'embeddings.position_embeddings.weight'][pos] + W[pre + 'embeddings.token_type_embeddings.weight'][0]
    x = ln(W, pre + 'embeddings.LayerNorm', x, eps)
    if emb_project:
        x = lin(W, pre + 'embeddings_project', x)
    return bert_encoder(W, pre, x, eps)


def make_distilbert(gen, V):
    pre = 'distilbert.'
    w = {pre + 'embeddings.word_embeddings.weight': rnd(gen, V, D), pre + 'embeddings.position_embeddings.weight': rnd(gen, P, D)}
    w.update(ln_params(gen, pre + 'embeddings.LayerNorm'))
    for i in range(L):
        p = '%stransformer.layer.%d' % (pre, i)
        for n in ['q_lin', 'k_lin', 'v_lin', 'out_lin']:
            w.update(linear(gen, p + '.attention.' + n, D, D))
        w.update(ln_params(gen, p + '.sa_layer_norm'))
        w.update(linear(gen, p + '.ffn.lin1', D, F))
        w.update(linear(gen, p + '.ffn.lin2', F, D))
        w.update(ln_params(gen, p + '.output_layer_norm'))
    # DistilBertForMaskedLM's head, which the importer must ignore.
    w.update(linear(gen, 'vocab_transform', D, D))
    w.update(ln_params(gen, 'vocab_layer_norm'))
    w['vocab_projector.bias'] = rnd(gen, V, std=0.1)
    return w


def distilbert_forward(W, ids):
    pre, eps = 'distilbert.', 1e-12
    idx = torch.tensor(ids)
    x = W[pre + 'embeddings.word_embeddings.weight'][idx] + W[pre + 'embeddings.position_embeddings.weight'][torch.arange(len(ids))]
    x = ln(W, pre + 'embeddings.LayerNorm', x, eps)
    for i in range(L):
        p = '%stransformer.layer.%d' % (pre, i)
        a = attention(x, lin(W, p + '.attention.q_lin', x), lin(W, p + '.attention.k_lin', x), lin(W, p + '.attention.v_lin', x), False)
        x = ln(W, p + '.sa_layer_norm', lin(W, p + '.attention.out_lin', a) + x, eps)
        x = ln(W, p + '.output_layer_norm', lin(W, p + '.ffn.lin2', gelu_erf(lin(W, p + '.ffn.lin1', x))) + x, eps)
    return x


def make_gpt2(gen, V, pre):
    w = {pre + 'wte.weight': rnd(gen, V, D), pre + 'wpe.weight': rnd(gen, P, D)}
    for i in range(L):
        p = '%sh.%d' % (pre, i)
        w.update(ln_params(gen, p + '.ln_1'))
        w[p + '.attn.c_attn.weight'] = rnd(gen, D, 3 * D)  # Conv1D: [in, out]
        w[p + '.attn.c_attn.bias'] = rnd(gen, 3 * D, std=0.1)
        w[p + '.attn.c_proj.weight'] = rnd(gen, D, D)
        w[p + '.attn.c_proj.bias'] = rnd(gen, D, std=0.1)
        # The causal-mask buffer older GPT-2 checkpoints carry (not a weight).
        w[p + '.attn.bias'] = torch.tril(torch.ones(P, P)).view(1, 1, P, P)
        w.update(ln_params(gen, p + '.ln_2'))
        w[p + '.mlp.c_fc.weight'] = rnd(gen, D, 4 * D)
        w[p + '.mlp.c_fc.bias'] = rnd(gen, 4 * D, std=0.1)
        w[p + '.mlp.c_proj.weight'] = rnd(gen, 4 * D, D)
        w[p + '.mlp.c_proj.bias'] = rnd(gen, D, std=0.1)
    w.update(ln_params(gen, pre + 'ln_f'))
    return w


def gpt2_forward(W, pre, ids):
    """GPT-2 (Radford et al. 2019): pre-LN blocks, causal attention, tanh GELU, final ln_f."""
    eps = 1e-5
    idx = torch.tensor(ids)
    x = W[pre + 'wte.weight'][idx] + W[pre + 'wpe.weight'][torch.arange(len(ids))]
    for i in range(L):
        p = '%sh.%d' % (pre, i)
        h = ln(W, p + '.ln_1', x, eps)
        qkv = h @ W[p + '.attn.c_attn.weight'] + W[p + '.attn.c_attn.bias']
        a = attention(h, qkv[:, :D], qkv[:, D:2 * D], qkv[:, 2 * D:], True)
        x = x + a @ W[p + '.attn.c_proj.weight'] + W[p + '.attn.c_proj.bias']
        h = ln(W, p + '.ln_2', x, eps)
        x = x + gelu_tanh(h @ W[p + '.mlp.c_fc.weight'] + W[p + '.mlp.c_fc.bias']) @ W[p + '.mlp.c_proj.weight'] + W[p + '.mlp.c_proj.bias']
    return ln(W, pre + 'ln_f', x, eps)


# ---------------------------------------------------------------- fixtures

def sequences(gen, V, sp, n=3):
    out = []
    for T in [6, 11, 17][:n]:
        body = torch.randint(5, V - 1, (T,), generator=gen).tolist()
        out.append(([sp['cls']] if sp['cls'] is not None else []) + body + ([sp['sep']] if sp['sep'] is not None else []))
    return out


def save(name, config, tok, tok_cfg, weights, dtype, shards, forward, seqs, readme=None):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f not in ('tokenizer-reference.json', 'normalizer-reference.json'):
            os.remove(os.path.join(folder, f))
    stored = {k: v.to(dtype) for k, v in weights.items()}
    write_weights(folder, stored, shards)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(config, f, indent=1)
    with open(os.path.join(folder, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump(tok_cfg, f, indent=1)
    if readme:
        with open(os.path.join(folder, 'README.md'), 'w') as f:
            f.write(readme)
    # The reference runs in float64 on exactly the stored values (F16 / BF16 rounding included).
    W = {k: v.to(torch.float64) for k, v in stored.items()}
    with torch.no_grad():
        hidden = [forward(W, s) for s in seqs]
    ref = {'sequences': seqs, 'hidden': [[[round(float(v), 7) for v in row] for row in h] for h in hidden]}
    with open(os.path.join(folder, 'reference.json'), 'w') as f:
        json.dump(ref, f, separators=(',', ':'))
    size = sum(os.path.getsize(os.path.join(folder, x)) for x in os.listdir(folder))
    print('%-16s %-7s %d shard(s)  %6.1f KB' % (name, {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16'}[dtype], shards, size / 1024))


def bert_config(model_type, V, **extra):
    c = {'architectures': ['BertForMaskedLM'], 'model_type': model_type, 'vocab_size': V, 'hidden_size': D, 'num_hidden_layers': L, 'num_attention_heads': H,
         'intermediate_size': F, 'hidden_act': 'gelu', 'hidden_dropout_prob': 0.1, 'attention_probs_dropout_prob': 0.1, 'max_position_embeddings': P,
         'type_vocab_size': 2, 'initializer_range': 0.02, 'layer_norm_eps': 1e-12, 'pad_token_id': 0, 'position_embedding_type': 'absolute'}
    c.update(extra)
    return c


def main():
    gen = torch.Generator().manual_seed(20261201)
    wp, wp_cfg, wp_v, wp_sp = wordpiece_tokenizer()
    rb, rb_cfg, rb_v, rb_sp = bpe_tokenizer(True)
    g2, g2_cfg, g2_v, g2_sp = bpe_tokenizer(False)
    ug, ug_cfg, ug_v, ug_sp = unigram_tokenizer()

    # BERT: BertForMaskedLM layout (bert. prefix, pooler, an MLM head to ignore), float32, one file.
    w = make_bert(gen, wp_v, 'bert.', True, 2, P)
    w.update(linear(gen, 'cls.predictions.transform.dense', D, D))
    w['cls.predictions.bias'] = rnd(gen, wp_v, std=0.1)
    card = '---\nlanguage:\n- en\nlicense: apache-2.0\n---\n# tiny-bert\nA toy BERT for tests.\n'
    save('bert-tiny', bert_config('bert', wp_v), wp, wp_cfg, w, torch.float32, 1, lambda W, s: bert_forward(W, 'bert.', s, 1e-12, 0, False), sequences(gen, wp_v, wp_sp), card)

    # RoBERTa: RobertaModel layout (no prefix), positions offset by padding_idx + 1, float16.
    w = make_bert(gen, rb_v, '', True, 1, P + 2)
    cfg = bert_config('roberta', rb_v, architectures=['RobertaModel'], type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2, max_position_embeddings=P + 2)
    save('roberta-tiny', cfg, rb, rb_cfg, w, torch.float16, 1, lambda W, s: bert_forward(W, '', s, 1e-5, 2, False), sequences(gen, rb_v, rb_sp))

    # XLM-RoBERTa: roberta. prefix, Unigram tokenizer, bfloat16, two shards.
    w = make_bert(gen, ug_v, 'roberta.', False, 1, P + 2)
    cfg = bert_config('xlm-roberta', ug_v, architectures=['XLMRobertaForMaskedLM'], type_vocab_size=1, layer_norm_eps=1e-5, pad_token_id=1, bos_token_id=0, eos_token_id=2, max_position_embeddings=P + 2)
    save('xlmr-tiny', cfg, ug, ug_cfg, w, torch.bfloat16, 2, lambda W, s: bert_forward(W, 'roberta.', s, 1e-5, 2, False), sequences(gen, ug_v, ug_sp))

    # ELECTRA discriminator: embedding_size 8 != hidden 16, so embeddings_project maps 8 -> 16.
    w = make_bert(gen, wp_v, 'electra.', False, 2, P, emb_size=8)
    w.update(linear(gen, 'discriminator_predictions.dense', D, D))
    cfg = bert_config('electra', wp_v, architectures=['ElectraForPreTraining'], embedding_size=8)
    save('electra-tiny', cfg, wp, wp_cfg, w, torch.float32, 1, lambda W, s: bert_forward(W, 'electra.', s, 1e-12, 0, True), sequences(gen, wp_v, wp_sp))

    # DistilBERT: its own names (q_lin, sa_layer_norm, ffn.lin1), no token types.
    w = make_distilbert(gen, wp_v)
    cfg = {'architectures': ['DistilBertForMaskedLM'], 'model_type': 'distilbert', 'vocab_size': wp_v, 'dim': D, 'n_layers': L, 'n_heads': H, 'hidden_dim': F,
           'activation': 'gelu', 'max_position_embeddings': P, 'sinusoidal_pos_embds': False, 'dropout': 0.1, 'attention_dropout': 0.1, 'pad_token_id': 0}
    save('distilbert-tiny', cfg, wp, wp_cfg, w, torch.float32, 1, distilbert_forward, sequences(gen, wp_v, wp_sp))

    # GPT-2: GPT2LMHeadModel layout (transformer. prefix, lm_head tied so not stored), Conv1D [in, out], two shards.
    w = make_gpt2(gen, g2_v, 'transformer.')
    cfg = {'architectures': ['GPT2LMHeadModel'], 'model_type': 'gpt2', 'vocab_size': g2_v, 'n_embd': D, 'n_layer': L, 'n_head': H, 'n_inner': None, 'n_positions': P, 'n_ctx': P,
           'activation_function': 'gelu_new', 'layer_norm_epsilon': 1e-5, 'bos_token_id': g2_v - 1, 'eos_token_id': g2_v - 1, 'tie_word_embeddings': True}
    save('gpt2-tiny', cfg, g2, g2_cfg, w, torch.float32, 2, lambda W, s: gpt2_forward(W, 'transformer.', s), sequences(gen, g2_v, g2_sp))


def nmt_nfkc_charsmap():
    """sentencepiece's compiled nmt_nfkc normaliser (what XLM-R's tokenizer.json carries), base64, or None."""
    try:
        import io
        import base64
        import sentencepiece as spm
        from sentencepiece import sentencepiece_model_pb2 as pb
    except ImportError:
        return None
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(CORPUS.split('\n') * 20), model_writer=model, vocab_size=120,
                                   normalization_rule_name='nmt_nfkc', model_type='unigram', minloglevel=2)
    proto = pb.ModelProto()
    proto.ParseFromString(model.getvalue())
    return base64.b64encode(proto.normalizer_spec.precompiled_charsmap).decode('ascii')


def normalizer_reference(charsmap, texts, path):
    """The Rust library's Precompiled normaliser on the awkward texts, on mixed strings drawn from blocks
    with combining marks, conjuncts, jamo, emoji modifiers and joiners, and every code point it changes."""
    import base64
    import random
    from tokenizers.normalizers import Precompiled
    norm = Precompiled(base64.b64decode(charsmap))
    changed = {}
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        out = norm.normalize_str(chr(cp))
        if out != chr(cp):
            changed[cp] = out
    blocks = [(0x20, 0x250), (0x300, 0x370), (0x900, 0x980), (0xE00, 0xE80), (0x1100, 0x1200), (0x2000, 0x2100), (0x2460, 0x2500),
              (0x3000, 0x3100), (0xAC00, 0xAC40), (0xFE00, 0xFE10), (0xFF00, 0xFFF0), (0x1F300, 0x1F320), (0x1F3FB, 0x1F400)]
    pool = [chr(c) for a, b in blocks for c in range(a, b)] + [chr(c) for c in (0x200D, 0x200C, 0xD, 0xA, 0x9, 0x0, 0x7, 0x1F1E6, 0x1F1FA, 0xE0041, 0x20E3)]
    rnd = random.Random(7)
    mixed = [''.join(rnd.choice(pool) for _ in range(rnd.randint(1, 12))) for _ in range(600)]
    with open(path, 'w', encoding='utf-8') as f:
        json.dump({'texts': [[t, norm.normalize_str(t)] for t in texts + mixed], 'changed': changed}, f, ensure_ascii=False, separators=(',', ':'))


def tokenizer_references():
    """Ids from Hugging Face's Rust tokenizers library for the awkward texts, when it is installed.

    Written as tokenizer-reference.json beside each tokenizer.json, so the tests compare against the
    library the checkpoints are made with, without needing it (kept as they are when it is missing).
    """
    try:
        from tokenizers import Tokenizer
        import tokenizers
    except ImportError:
        print('tokenizers (Python) is not installed: tokenizer-reference.json files kept as they are')
        return
    with open(os.path.join(OUT, 'awkward-texts.json'), encoding='utf-8') as f:
        texts = json.load(f)
    for name in ['bert-tiny', 'roberta-tiny', 'gpt2-tiny', 'xlmr-tiny']:
        with open(os.path.join(OUT, name, 'tokenizer.json'), encoding='utf-8') as f:
            tj = json.load(f)
        if name == 'xlmr-tiny':
            # sentencepiece's compiled nmt_nfkc map (240 KB, what XLM-R's tokenizer.json carries) goes into
            # the fixture, and the Rust library's normalisation with it into normalizer-reference.json.
            charsmap = nmt_nfkc_charsmap()
            if charsmap is None:
                print('sentencepiece is not installed: xlmr-tiny is left without its compiled map and its references as they are')
                continue
            tj['normalizer']['normalizers'][0]['precompiled_charsmap'] = charsmap
            with open(os.path.join(OUT, name, 'tokenizer.json'), 'w', encoding='utf-8') as f:
                json.dump(tj, f, ensure_ascii=False)
            normalizer_reference(charsmap, texts, os.path.join(OUT, name, 'normalizer-reference.json'))
        tok = Tokenizer.from_str(json.dumps(tj))
        ids = [tok.encode(t, add_special_tokens=True).ids for t in texts]
        with open(os.path.join(OUT, name, 'tokenizer-reference.json'), 'w', encoding='utf-8') as f:
            json.dump({'library': 'tokenizers %s' % tokenizers.__version__, 'ids': ids}, f, separators=(',', ':'))
    print('tokenizer references from tokenizers', tokenizers.__version__)


def minilm(folder):
    """A BERT of MiniLM-L6's shape with random weights, for timing imports (not committed)."""
    global D, H, L, F, P
    D, H, L, F, P = 384, 12, 6, 1536, 512
    gen = torch.Generator().manual_seed(1)
    tok, cfg, v, _ = wordpiece_tokenizer()
    vocab = tok['model']['vocab']
    for i in range(30522 - v):
        vocab['[unused%d]' % i] = v + i
    w = make_bert(gen, 30522, '', True, 2, P)
    os.makedirs(folder, exist_ok=True)
    write_weights(folder, {k: t.float() for k, t in w.items()}, 1)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump(bert_config('bert', 30522, max_position_embeddings=P), f, indent=1)
    with open(os.path.join(folder, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(folder, 'tokenizer_config.json'), 'w') as f:
        json.dump(cfg, f)
    print('MiniLM-sized BERT in', folder)


if __name__ == '__main__':
    if len(sys.argv) > 2 and sys.argv[1] == '--minilm':
        minilm(sys.argv[2])
    else:
        main()
        tokenizer_references()
