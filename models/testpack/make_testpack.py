#!/usr/bin/python3
"""Builds the tiny ONNX graphs the Java tests run the engine on (committed output, a few hundred KB).

They have Tiny World's tensor interface at 32x32, 8 frames, 4x8x8 latents and a 32-d text embedding,
with behaviour simple enough to assert exact numbers:
  vae_encoder: 4x4 average pool, then a fixed 1x1 conv 3->4 channels
  vae_decoder: the conv's pseudo-inverse 4->3, then 4x nearest upsampling  (decode(encode(x)) = x for
               images that are constant over 4x4 blocks)
  denoiser:    prediction = mask*cond + (1-mask)*(W·text + 0.5·sample·t), i.e. an x0-prediction whose
               clean target depends on the prompt and which keeps known frames exactly
  text_encoder: a hashed embedding table (ids mod 997), so different prompts give different vectors
  denoiser_tokens: the denoiser with a Tiny World 2.4 token input as well: its clean target adds
               P·sum_t(text_mask[t]·text_tokens[t]), P[d, c] = 1 where d mod 4 = c, so a test can check which
               token rows reached the graph
  vae_decoder_ref: Tiny World 2.10's reference decoder interface (latent, ref_latent, reference -> sample) that
               returns its reference unchanged, so a test can see exactly which frame each frame was decoded after
Run: /usr/bin/python3 models/testpack/make_testpack.py src/test/resources/packs/tiny
"""
import sys
import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

out = sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/packs/tiny"
rng = np.random.default_rng(7)
C, DIM, VOCAB = 4, 32, 997
OPSET = [helper.make_opsetid("", 17)]


def save(graph, name):
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="kinora-testpack")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/{name}")


def t(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


mix = np.array([[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.4, -0.4, 0.2]], dtype=np.float32)
unmix = np.linalg.pinv(mix).astype(np.float32)

# vae_encoder: sample [N,3,32,32] -> latent [N,4,8,8]
save(helper.make_graph(
    [helper.make_node("AveragePool", ["sample"], ["pooled"], kernel_shape=[4, 4], strides=[4, 4]),
     helper.make_node("Conv", ["pooled", "w"], ["latent"])],
    "vae_encoder",
    [helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["n", 3, 32, 32])],
    [helper.make_tensor_value_info("latent", TensorProto.FLOAT, ["n", C, 8, 8])],
    [t("w", mix.reshape(C, 3, 1, 1))]), "vae_encoder.onnx")

# vae_decoder: latent [N,4,8,8] -> sample [N,3,32,32]
save(helper.make_graph(
    [helper.make_node("Conv", ["latent", "w"], ["rgb"]),
     helper.make_node("Resize", ["rgb", "", "scales"], ["sample"], mode="nearest")],
    "vae_decoder",
    [helper.make_tensor_value_info("latent", TensorProto.FLOAT, ["n", C, 8, 8])],
    [helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["n", 3, 32, 32])],
    [t("w", unmix.reshape(3, C, 1, 1)), t("scales", np.array([1, 1, 4, 4], dtype=np.float32))]), "vae_decoder.onnx")

# text_encoder: input_ids/attention_mask/token_type_ids [B,L] -> last_hidden_state [B,L,32]
table = (rng.standard_normal((VOCAB, DIM)) * 0.5).astype(np.float32)
save(helper.make_graph(
    [helper.make_node("Mod", ["input_ids", "vocab"], ["hashed"]),
     helper.make_node("Gather", ["table", "hashed"], ["emb"]),
     helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
     helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
     helper.make_node("Cast", ["token_type_ids"], ["typesf"], to=TensorProto.FLOAT),
     helper.make_node("Unsqueeze", ["typesf", "axis2"], ["types3"]),
     helper.make_node("Add", ["mask3", "types3"], ["gate"]),
     helper.make_node("Mul", ["emb", "gate"], ["last_hidden_state"])],
    "text_encoder",
    [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "seq"]) for n in ("input_ids", "attention_mask", "token_type_ids")],
    [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "seq", DIM])],
    [t("table", table), t("vocab", np.array(VOCAB, dtype=np.int64)), t("axis2", np.array([2], dtype=np.int64))]),
    "text_encoder.onnx")

# denoiser
proj = (rng.standard_normal((DIM, C)) * 0.6).astype(np.float32)
lat = ["b", C, "f", 8, 8]


def denoiser_tail():
    """target2 [B,C] -> prediction: the clean target broadcast over frames and cells, plus 0.5·sample·t; known frames kept."""
    return [helper.make_node("Reshape", ["target2", "shape5"], ["target"]),             # [B,C,1,1,1]
            helper.make_node("Reshape", ["timestep", "shape_t"], ["t5"]),               # [B,1,1,1,1]
            helper.make_node("Mul", ["sample", "t5"], ["st"]),
            helper.make_node("Mul", ["st", "half"], ["st_half"]),
            helper.make_node("Add", ["target", "st_half"], ["free"]),                   # broadcast to [B,C,F,8,8]
            helper.make_node("Mul", ["mask", "cond"], ["known"]),
            helper.make_node("Sub", ["one", "mask"], ["inv"]),
            helper.make_node("Mul", ["inv", "free"], ["unknown"]),
            helper.make_node("Add", ["known", "unknown"], ["prediction"])]


save(helper.make_graph(
    [helper.make_node("MatMul", ["text_embeds", "proj"], ["target2"])] + denoiser_tail(),            # [B,C]
    "denoiser",
    [helper.make_tensor_value_info("sample", TensorProto.FLOAT, lat),
     helper.make_tensor_value_info("timestep", TensorProto.FLOAT, ["b"]),
     helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["b", DIM]),
     helper.make_tensor_value_info("cond", TensorProto.FLOAT, lat),
     helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["b", 1, "f", 8, 8])],
    [helper.make_tensor_value_info("prediction", TensorProto.FLOAT, lat)],
    [t("proj", proj), t("shape5", np.array([-1, C, 1, 1, 1], dtype=np.int64)),
     t("shape_t", np.array([-1, 1, 1, 1, 1], dtype=np.int64)),
     t("half", np.array(0.5, dtype=np.float32)), t("one", np.array(1.0, dtype=np.float32))]), "denoiser.onnx")

# denoiser_tokens: as the denoiser, plus the masked sum of the token states through P
proj2 = np.array([[1.0 if d % C == c else 0.0 for c in range(C)] for d in range(DIM)], dtype=np.float32)
save(helper.make_graph(
    [helper.make_node("MatMul", ["text_embeds", "proj"], ["pooled2"]),            # [B,C]
     helper.make_node("Unsqueeze", ["text_mask", "axis2"], ["m3"]),              # [B,T,1]
     helper.make_node("Mul", ["text_tokens", "m3"], ["kept"]),
     helper.make_node("ReduceSum", ["kept", "axis1"], ["tsum"], keepdims=0),     # [B,DIM]
     helper.make_node("MatMul", ["tsum", "proj2"], ["tok2"]),
     helper.make_node("Add", ["pooled2", "tok2"], ["target2"])] + denoiser_tail(),
    "denoiser_tokens",
    [helper.make_tensor_value_info("sample", TensorProto.FLOAT, lat),
     helper.make_tensor_value_info("timestep", TensorProto.FLOAT, ["b"]),
     helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["b", DIM]),
     helper.make_tensor_value_info("cond", TensorProto.FLOAT, lat),
     helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["b", 1, "f", 8, 8]),
     helper.make_tensor_value_info("text_tokens", TensorProto.FLOAT, ["b", "t", DIM]),
     helper.make_tensor_value_info("text_mask", TensorProto.FLOAT, ["b", "t"])],
    [helper.make_tensor_value_info("prediction", TensorProto.FLOAT, lat)],
    [t("proj", proj), t("proj2", proj2), t("shape5", np.array([-1, C, 1, 1, 1], dtype=np.int64)),
     t("shape_t", np.array([-1, 1, 1, 1, 1], dtype=np.int64)), t("axis1", np.array([1], dtype=np.int64)),
     t("axis2", np.array([2], dtype=np.int64)),
     t("half", np.array(0.5, dtype=np.float32)), t("one", np.array(1.0, dtype=np.float32))]), "denoiser_tokens.onnx")
# vae_decoder_ref: sample = reference (the latents are declared, as the real graph's are, and not used)
save(helper.make_graph(
    [helper.make_node("Identity", ["reference"], ["sample"])],
    "vae_decoder_ref",
    [helper.make_tensor_value_info("latent", TensorProto.FLOAT, ["n", C, 8, 8]),
     helper.make_tensor_value_info("ref_latent", TensorProto.FLOAT, ["n", C, 8, 8]),
     helper.make_tensor_value_info("reference", TensorProto.FLOAT, ["n", 3, 32, 32])],
    [helper.make_tensor_value_info("sample", TensorProto.FLOAT, ["n", 3, 32, 32])], []), "vae_decoder_ref.onnx")
print("wrote tiny test pack graphs to", out)
