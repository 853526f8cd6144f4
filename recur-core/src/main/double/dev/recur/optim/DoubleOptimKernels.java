package dev.recur.optim;

/**
 * The optimizer and clipping arithmetic in float64 (the float32 twin {@code FloatOptimKernels} is
 * generated from this file; see recur-core's pom.xml). Each update follows PyTorch 1.13's
 * single-tensor implementation operation by operation; the comment above each block is the
 * PyTorch statement it mirrors. Scalars derived from the hyper-parameters are computed in 64-bit
 * floating point, as Python computes them, and rounded to the element type once.
 */
final class DoubleOptimKernels implements OptimKernels<double[]> {

    /** The single instance; the kernels hold no state. */
    static final DoubleOptimKernels INSTANCE = new DoubleOptimKernels();

    private DoubleOptimKernels() {
    }

    @Override
    public double/*keep*/ sumOfSquares(double[] a, int n) {
        double/*keep*/ s = 0;
        for (int i = 0; i < n; i++) {
            final double/*keep*/ v = a[i];
            s += v * v;
        }
        return s;
    }

    @Override
    public void scale(double[] a, int n, double/*keep*/ factor) {
        final double f = (double) factor;
        for (int i = 0; i < n; i++) {
            a[i] *= f;
        }
    }

    @Override
    public void clamp(double[] a, int n, double/*keep*/ lo, double/*keep*/ hi) {
        final double l = (double) lo;
        final double h = (double) hi;
        for (int i = 0; i < n; i++) {
            a[i] = Math.min(Math.max(a[i], l), h);
        }
    }

    @Override
    public void sgd(double[] p, double[] g, double[] buf, int n, boolean firstStep, double/*keep*/ lr, SgdConfig c) {
        final double wd = (double) c.weightDecay();
        final double mu = (double) c.momentum();
        final double oneMinusDampening = (double) (1 - c.dampening());
        final double negLr = (double) -lr;
        final boolean decay = c.weightDecay() != 0;
        final boolean momentum = c.momentum() != 0;
        for (int i = 0; i < n; i++) {
            // d_p = grad (or -grad when maximising)
            double d = c.maximize() ? -g[i] : g[i];
            // d_p = d_p.add(param, alpha=weight_decay)
            if (decay) {
                d = d + wd * p[i];
            }
            if (momentum) {
                // buf = clone(d_p) on the first step, else buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
                buf[i] = firstStep ? d : buf[i] * mu + oneMinusDampening * d;
                // d_p = d_p.add(buf, alpha=momentum) if nesterov else buf
                d = c.nesterov() ? d + mu * buf[i] : buf[i];
            }
            // param.add_(d_p, alpha=-lr)
            p[i] = p[i] + negLr * d;
        }
    }

    @Override
    public void adam(double[] p, double[] g, double[] m, double[] v, double[] vMax, int n, long step,
                     double/*keep*/ lr, AdamConfig c, boolean decoupled) {
        // bias_correction1 = 1 - beta1 ** step;  bias_correction2 = 1 - beta2 ** step
        final double/*keep*/ bc1 = 1 - Math.pow(c.beta1(), step);
        final double/*keep*/ bc2 = 1 - Math.pow(c.beta2(), step);
        // step_size = lr / bias_correction1;  bias_correction2_sqrt = sqrt(bias_correction2)
        final double negStepSize = (double) -(lr / bc1);
        final double bc2Sqrt = (double) Math.sqrt(bc2);
        final double b1 = (double) c.beta1();
        final double oneMinusB1 = (double) (1 - c.beta1());
        final double b2 = (double) c.beta2();
        final double oneMinusB2 = (double) (1 - c.beta2());
        final double eps = (double) c.eps();
        final double wd = (double) c.weightDecay();
        final double decayFactor = (double) (1 - lr * c.weightDecay());
        final boolean l2 = !decoupled && c.weightDecay() != 0;
        for (int i = 0; i < n; i++) {
            // grad = grad (or -grad when maximising)
            double d = c.maximize() ? -g[i] : g[i];
            if (decoupled) {
                // AdamW: param.mul_(1 - lr * weight_decay)
                p[i] = p[i] * decayFactor;
            } else if (l2) {
                // Adam: grad = grad.add(param, alpha=weight_decay)
                d = d + wd * p[i];
            }
            // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            m[i] = m[i] * b1 + oneMinusB1 * d;
            // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            v[i] = v[i] * b2 + oneMinusB2 * d * d;
            double second = v[i];
            if (vMax != null) {
                // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
                vMax[i] = Math.max(vMax[i], v[i]);
                second = vMax[i];
            }
            // denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
            final double denom = (double) Math.sqrt(second) / bc2Sqrt + eps;
            // param.addcdiv_(exp_avg, denom, value=-step_size)
            p[i] = p[i] + negStepSize * (m[i] / denom);
        }
    }

    @Override
    public void rmsprop(double[] p, double[] g, double[] sq, double[] gAvg, double[] buf, int n, double/*keep*/ lr,
                        RMSpropConfig c) {
        final double alpha = (double) c.alpha();
        final double oneMinusAlpha = (double) (1 - c.alpha());
        final double eps = (double) c.eps();
        final double wd = (double) c.weightDecay();
        final double mu = (double) c.momentum();
        final double negLr = (double) -lr;
        final boolean decay = c.weightDecay() != 0;
        final boolean momentum = c.momentum() > 0;
        for (int i = 0; i < n; i++) {
            // grad = grad (or -grad when maximising)
            double d = c.maximize() ? -g[i] : g[i];
            // grad = grad.add(param, alpha=weight_decay)
            if (decay) {
                d = d + wd * p[i];
            }
            // square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
            sq[i] = sq[i] * alpha + oneMinusAlpha * d * d;
            double avg;
            if (c.centered()) {
                // grad_avg.mul_(alpha).add_(grad, alpha=1 - alpha)
                gAvg[i] = gAvg[i] * alpha + oneMinusAlpha * d;
                // avg = square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_()
                avg = (double) Math.sqrt(sq[i] - gAvg[i] * gAvg[i]);
            } else {
                // avg = square_avg.sqrt()
                avg = (double) Math.sqrt(sq[i]);
            }
            // avg = avg.add_(eps)
            avg = avg + eps;
            if (momentum) {
                // buf.mul_(momentum).addcdiv_(grad, avg);  param.add_(buf, alpha=-lr)
                buf[i] = buf[i] * mu + d / avg;
                p[i] = p[i] + negLr * buf[i];
            } else {
                // param.addcdiv_(grad, avg, value=-lr)
                p[i] = p[i] + negLr * (d / avg);
            }
        }
    }
}
