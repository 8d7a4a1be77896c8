// AVX-512 versions of training's elementwise passes. Swift builds for the
// x86-64 baseline (128-bit SSE), so its loops run 4 floats at a time; these run
// 16. They are compiled for AVX-512 (F, BW, VL, BF16) whatever the build
// targets, so they may only be called where DNNL.hasNativeBF16 is true; the
// Swift loops stay the fallback. Each one does exactly the arithmetic of its
// Swift twin, in the same order and without fused multiply-adds, so both give
// the same bits (FeatureRowsTests and the trainer tests compare them).
#pragma once
#include <immintrin.h>
#include <stdint.h>

#define MCND_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16"), unused))

#pragma clang fp contract(off)

// `count` bytes b → bf16 bits of b·(1/255), rounded to nearest even; for every
// byte that is the same bf16 as b/255 (checked for all 256 values by a test).
static inline MCND_AVX512 void mcnd_bytes_to_bf16(const uint8_t *s, long count, uint16_t *d) {
    const __m512 r = _mm512_set1_ps(1.0f / 255.0f);
    long j = 0;
    for (; j + 32 <= count; j += 32) {
        __m512 lo = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(s + j))));
        __m512 hi = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(s + j + 16))));
        __m512bh h = _mm512_cvtne2ps_pbh(_mm512_mul_ps(hi, r), _mm512_mul_ps(lo, r));
        _mm512_storeu_si512((void *)(d + j), (__m512i)h);
    }
    for (; j < count; j += 16) {
        __mmask16 m = count - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - j)) - 1);
        __m512 v = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, s + j)));
        __m256bh h = _mm512_cvtneps_pbh(_mm512_mul_ps(v, r));
        _mm256_mask_storeu_epi16((void *)(d + j), m, (__m256i)h);
    }
}

// `count` bytes b → b/255 as floats (a true division, as the seed divides).
static inline MCND_AVX512 void mcnd_bytes_to_f32(const uint8_t *s, long count, float *d) {
    const __m512 k = _mm512_set1_ps(255.0f);
    for (long j = 0; j < count; j += 16) {
        __mmask16 m = count - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - j)) - 1);
        __m512 v = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(m, s + j)));
        _mm512_mask_storeu_ps(d + j, m, _mm512_div_ps(v, k));
    }
}

// `count` floats → bf16 bits, rounded to nearest even.
static inline MCND_AVX512 void mcnd_floats_to_bf16(const float *s, long count, uint16_t *d) {
    for (long j = 0; j < count; j += 16) {
        __mmask16 m = count - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - j)) - 1);
        __m256bh h = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(m, s + j));
        _mm256_mask_storeu_epi16((void *)(d + j), m, (__m256i)h);
    }
}

// The update rules of ParameterUpdate, by number.
enum { MCND_SGD = 0, MCND_SGD_L1 = 1, MCND_NESTEROV = 2 };

// One fused pass over `count` weights: g[i] += g[i + q·stride] for q = 1..<parts
// (in that order, as the partial gradients are added), then the rule
// (ParameterUpdate.apply, same operations), then the bf16 copy when `half` is
// not NULL. `l1`/`l2` are already divided by the batch rows; `shrink` = 1 − lr·l2.
static inline MCND_AVX512 void mcnd_update(float *w, float *g, long stride, int parts, float *v, long count,
                                           int rule, float lr, float mu, float l1, float l2, float shrink,
                                           uint16_t *half) {
    const __m512 vlr = _mm512_set1_ps(lr), vmu = _mm512_set1_ps(mu), vl1 = _mm512_set1_ps(l1),
                 vl2 = _mm512_set1_ps(l2), vshrink = _mm512_set1_ps(shrink), vstep = _mm512_set1_ps(lr * l1),
                 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    for (long i = 0; i < count; i += 16) {
        __mmask16 m = count - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (count - i)) - 1);
        __m512 grad = _mm512_maskz_loadu_ps(m, g + i);
        for (int q = 1; q < parts; q++) grad = _mm512_add_ps(grad, _mm512_maskz_loadu_ps(m, g + i + q * stride));
        _mm512_mask_storeu_ps(g + i, m, grad);
        __m512 x = _mm512_maskz_loadu_ps(m, w + i), out;
        // sign(x): 1, −1 or 0.
        __m512 sign = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, zero, _CMP_GT_OQ),
                                           _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ), zero,
                                                                _mm512_sub_ps(zero, one)), one);
        if (rule == MCND_SGD) {
            out = _mm512_sub_ps(_mm512_mul_ps(x, vshrink), _mm512_mul_ps(vlr, grad));
        } else if (rule == MCND_SGD_L1) {
            out = _mm512_sub_ps(_mm512_sub_ps(_mm512_mul_ps(x, vshrink), _mm512_mul_ps(vstep, sign)),
                                _mm512_mul_ps(vlr, grad));
        } else {
            __m512 d = _mm512_add_ps(grad, _mm512_add_ps(_mm512_mul_ps(vl1, sign), _mm512_mul_ps(vl2, x)));
            __m512 velocity = _mm512_add_ps(_mm512_mul_ps(vmu, _mm512_maskz_loadu_ps(m, v + i)), d);
            _mm512_mask_storeu_ps(v + i, m, velocity);
            out = _mm512_sub_ps(x, _mm512_mul_ps(vlr, _mm512_add_ps(d, _mm512_mul_ps(vmu, velocity))));
        }
        _mm512_mask_storeu_ps(w + i, m, out);
        if (half) _mm256_mask_storeu_epi16((void *)(half + i), m, (__m256i)_mm512_cvtneps_pbh(out));
    }
}

// δ1 of `rows` rows of `units`: d = d·a·(1 − a) in place, its column sums added
// row after row into `sums`, and its bf16 copy into `half` when not NULL.
static inline MCND_AVX512 void mcnd_hidden_delta(float *d, const float *a, long rows, long units, float *sums,
                                                 uint16_t *half) {
    const __m512 one = _mm512_set1_ps(1.0f);
    for (long j = 0; j < units; j += 16) {
        __mmask16 m = units - j >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (units - j)) - 1);
        __m512 sum = _mm512_maskz_loadu_ps(m, sums + j);
        for (long r = 0; r < rows; r++) {
            long i = r * units + j;
            __m512 av = _mm512_maskz_loadu_ps(m, a + i);
            __m512 v = _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, d + i), av), _mm512_sub_ps(one, av));
            _mm512_mask_storeu_ps(d + i, m, v);
            sum = _mm512_add_ps(sum, v);
            if (half) _mm256_mask_storeu_epi16((void *)(half + i), m, (__m256i)_mm512_cvtneps_pbh(v));
        }
        _mm512_mask_storeu_ps(sums + j, m, sum);
    }
}
