#!/usr/bin/python3
"""Rewrites a video denoiser's 5-D operators into 4-D ones that ONNX Runtime's CPU kernels run fast.

Why: the profile of Tiny World's denoiser (`bench/kb flops`) shows ORT spending most of a call in
Conv on 5-D tensors. ORT's CPU Conv only has its blocked NCHWc path (and the conv+activation fusions)
for 2-D convolutions; a 3-D Conv goes through a generic im2col + GEMM. The factorised space-time blocks
only *look* 3-D: a (1,kh,kw) conv is a 2-D conv on every frame, a (kt,1,1) conv is a 2-D conv with a
(kt,1) kernel over [frames, pixels], and a 1x1x1 conv is a 1x1 2-D conv. Likewise the (1,2,2) average
pool and the (1,2,2) nearest upsampling are 2-D operations on frames folded into channels.

The rewrite is exact (same weights, same arithmetic up to float summation order) and keeps the graph's
inputs, outputs and dynamic axes:
  Conv k=(1,kh,kw):  X[B,C,F,H,W] -Transpose-> [B,F,C,H,W] -Reshape-> [B*F,C,H,W] -Conv2d-> -Reshape-> [B,F,O,H',W'] -Transpose-> [B,O,F,H',W']
  Conv k=(kt,1,1):   X -Reshape-> [B,C,F,H*W] -Conv2d (kt,1)-> [B,O,F',H*W] -Reshape-> [B,O,F',H,W]
  AveragePool (1,2,2), Resize nearest scale (1,1,1,2,2):  X -Reshape-> [B,C*F,H,W] -2-D op-> -Reshape-> 5-D
usage: .venv/bin/python models/tinyworld/bench/fold_frames.py IN.onnx OUT.onnx
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


class Rewriter:
    def __init__(self, model):
        self.m = model
        self.g = model.graph
        self.inits = {i.name: i for i in self.g.initializer}
        self.consts = {}
        for n in self.g.node:
            if n.op_type == "Constant":
                for a in n.attribute:
                    if a.name == "value":
                        self.consts[n.output[0]] = numpy_helper.to_array(a.t)
        self.count = 0
        self.new_inits = []

    def name(self, base):
        self.count += 1
        return f"{base}__fold{self.count}"

    def const(self, arr, base):
        n = self.name(base)
        self.new_inits.append(numpy_helper.from_array(np.asarray(arr), n))
        return n

    def value(self, name):
        if name in self.inits:
            return numpy_helper.to_array(self.inits[name])
        return self.consts.get(name)

    @staticmethod
    def attrs(node):
        return {a.name: helper.get_attribute_value(a) for a in node.attribute}

    # ------------------------------------------------------------------ shape helpers (dynamic B and F)
    def shape_slice(self, x, start, end, out):
        s = self.name(out + "_shape")
        return [helper.make_node("Shape", [x], [s]),
                helper.make_node("Slice", [s, self.const(np.array([start], np.int64), "st"),
                                           self.const(np.array([end], np.int64), "en")], [out])]

    def conv(self, node):
        a = self.attrs(node)
        w = self.value(node.input[1])
        if w is None or w.ndim != 5:
            return None
        o, i, kt, kh, kw = w.shape
        pads = list(a.get("pads", [0] * 6))
        strides = list(a.get("strides", [1, 1, 1]))
        dil = list(a.get("dilations", [1, 1, 1]))
        group = a.get("group", 1)
        x, y = node.input[0], node.output[0]
        bias = list(node.input[2:3])
        nodes = []
        if kt == 1 and pads[0] == 0 and pads[3] == 0 and strides[0] == 1:
            # spatial: frames into the batch
            w2 = self.const(w.reshape(o, i, kh, kw), node.input[1] + "_2d")
            t1, r1, c2, r2 = (self.name(y + s) for s in ("_t", "_r", "_c", "_r5"))
            bf = self.name(y + "_bf")
            sx, sbf = self.name(y + "_sx"), self.name(y + "_sbf")
            tail, shp = self.name(y + "_tail"), self.name(y + "_shp")
            chw = self.name(y + "_chw")
            nodes += [helper.make_node("Transpose", [x], [t1], perm=[0, 2, 1, 3, 4])]
            nodes += self.shape_slice(t1, 2, 5, chw)
            nodes += [helper.make_node("Concat", [self.const(np.array([-1], np.int64), "m1"), chw], [bf + "_s"], axis=0),
                      helper.make_node("Reshape", [t1, bf + "_s"], [r1]),
                      helper.make_node("Conv", [r1, w2] + bias, [c2], kernel_shape=[kh, kw],
                                       pads=[pads[1], pads[2], pads[4], pads[5]], strides=strides[1:], dilations=dil[1:],
                                       group=group)]
            nodes += self.shape_slice(t1, 0, 2, sbf)
            nodes += self.shape_slice(c2, 1, 4, tail)
            nodes += [helper.make_node("Concat", [sbf, tail], [shp], axis=0),
                      helper.make_node("Reshape", [c2, shp], [r2]),
                      helper.make_node("Transpose", [r2], [y], perm=[0, 2, 1, 3, 4])]
            del sx
            return nodes
        if kh == 1 and kw == 1 and pads[1] == pads[2] == pads[4] == pads[5] == 0 and strides[1] == strides[2] == 1:
            # temporal (kt,1,1) or pointwise: pixels into one axis
            w2 = self.const(w.reshape(o, i, kt, 1), node.input[1] + "_2d")
            r1, c2 = self.name(y + "_r"), self.name(y + "_c")
            head, hw, shp = self.name(y + "_head"), self.name(y + "_hw"), self.name(y + "_shp")
            nodes += [helper.make_node("Reshape", [x, self.const(np.array([0, 0, 0, -1], np.int64), "r4")], [r1]),
                      helper.make_node("Conv", [r1, w2] + bias, [c2], kernel_shape=[kt, 1], pads=[pads[0], 0, pads[3], 0],
                                       strides=[strides[0], 1], dilations=[dil[0], 1], group=group)]
            nodes += self.shape_slice(c2, 0, 3, head)
            nodes += self.shape_slice(x, 3, 5, hw)
            nodes += [helper.make_node("Concat", [head, hw], [shp], axis=0),
                      helper.make_node("Reshape", [c2, shp], [y])]
            return nodes
        return None

    def fold_2d(self, node, make_op):
        """5-D op acting on H,W only: [B,C,F,H,W] -> [B,C*F,H,W] -> op -> back."""
        x, y = node.input[0], node.output[0]
        r1, o2 = self.name(y + "_r"), self.name(y + "_o")
        head, hw, shp = self.name(y + "_head"), self.name(y + "_hw"), self.name(y + "_shp")
        b, xhw, s4 = self.name(y + "_b"), self.name(y + "_xhw"), self.name(y + "_s4")
        nodes = self.shape_slice(x, 0, 1, b) + self.shape_slice(x, 3, 5, xhw)
        nodes += [helper.make_node("Concat", [b, self.const(np.array([-1], np.int64), "m1"), xhw], [s4], axis=0),
                  helper.make_node("Reshape", [x, s4], [r1])]
        nodes += make_op(r1, o2)
        nodes += self.shape_slice(x, 0, 3, head)
        nodes += self.shape_slice(o2, 2, 4, hw)
        nodes += [helper.make_node("Concat", [head, hw], [shp], axis=0),
                  helper.make_node("Reshape", [o2, shp], [y])]
        return nodes

    def pool(self, node):
        a = self.attrs(node)
        k = list(a.get("kernel_shape", []))
        if len(k) != 3 or k[0] != 1 or list(a.get("strides", k))[0] != 1 or any(a.get("pads", [0] * 6)):
            return None
        kw = dict(kernel_shape=k[1:], strides=list(a.get("strides", k))[1:])
        if "count_include_pad" in a:
            kw["count_include_pad"] = a["count_include_pad"]
        if "ceil_mode" in a:
            kw["ceil_mode"] = a["ceil_mode"]
        return self.fold_2d(node, lambda i, o: [helper.make_node("AveragePool", [i], [o], **kw)])

    def resize(self, node):
        a = self.attrs(node)
        if a.get("mode", b"nearest") not in (b"nearest", "nearest") or len(node.input) < 3:
            return None
        scales = self.value(node.input[2])
        if scales is None or scales.size != 5 or list(scales[:3]) != [1, 1, 1]:
            return None
        s4 = self.const(np.array([1, 1, scales[3], scales[4]], np.float32), "scales4")
        kw = {k: v for k, v in a.items()}
        return self.fold_2d(node, lambda i, o: [helper.make_node("Resize", [i, "", s4], [o], **kw)])

    def run(self):
        out = []
        stats = {}
        for n in self.g.node:
            rep = None
            if n.op_type == "Conv":
                rep = self.conv(n)
            elif n.op_type == "AveragePool":
                rep = self.pool(n)
            elif n.op_type == "Resize":
                rep = self.resize(n)
            if rep is None:
                out.append(n)
            else:
                out.extend(rep)
                stats[n.op_type] = stats.get(n.op_type, 0) + 1
        del self.g.node[:]
        self.g.node.extend(out)
        self.g.initializer.extend(self.new_inits)
        used = {i for n in self.g.node for i in n.input}
        keep = [t for t in self.g.initializer if t.name in used]
        del self.g.initializer[:]
        self.g.initializer.extend(keep)
        return stats


def fold_file(src, dst):
    """Rewrites src into dst (may be the same path); returns {op_type: nodes rewritten}. For export.py:
    `from bench.fold_frames import fold_file; fold_file(p, p)` right after exporting the denoiser."""
    m = onnx.load(src)
    stats = Rewriter(m).run()
    if stats and "kinora-fold-frames" not in (m.producer_name or ""):
        m.producer_name = (m.producer_name or "") + "+kinora-fold-frames"
    onnx.checker.check_model(m)
    onnx.save(m, dst)
    return stats


def main():
    src, dst = sys.argv[1], sys.argv[2]
    print("rewrote", fold_file(src, dst), "->", dst)


if __name__ == "__main__":
    main()
