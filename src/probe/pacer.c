/* pacer.c - one probe's send schedule: rate, retries, deadline (probe.h).
 *
 * Every target sits in one FIFO with the time it is due. The first round
 * has every target due at the start; after a send the target goes back to
 * the tail, due one timeout later: either for its retry, or (after its
 * last send) only to mark the end of its wait. Sends happen in time order
 * and all waits are the same length, so the FIFO stays sorted by due time
 * and its head is always the next thing to do. A target that answered is
 * dropped from the head at once, so the sweep ends as soon as the last
 * open wait has passed (or at once when everything answered), not after
 * a fixed sleep.
 *
 * Rate: a virtual schedule, one slot every 1/rate s. A loop that wakes late
 * may send the slots it missed, but never more than burst_us of them, so
 * any window of T seconds holds at most rate*T + 1 + rate/PROBE_BURST_DIV
 * sends. The pure functions take the clock as a parameter.
 */
#include "netinv/probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pacer_init(struct pacer *p, uint32_t n_targets, const struct pacer_cfg *cfg, uint64_t now)
{
        memset(p, 0, sizeof(*p));
        if (!cfg->rate_pps || cfg->retries > PROBE_RETRIES_MAX)
                return -EINVAL;
        p->cfg = *cfg;
        p->n = n_targets;
        if (n_targets) {
                p->tries = calloc(n_targets, 1);
                p->answered = calloc(n_targets, 1);
                p->q = calloc(n_targets, sizeof(*p->q));
                if (!p->tries || !p->answered || !p->q) {
                        pacer_done(p);
                        return -ENOMEM;
                }
        }
        for (uint32_t i = 0; i < n_targets; i++)
                p->q[i] = (struct pacer_slot){ .target = i, .due = now };
        p->q_len = n_targets;
        p->interval_us = 1000000u / cfg->rate_pps;
        if (!p->interval_us)
                p->interval_us = 1;
        p->burst_us = p->interval_us * (1 + cfg->rate_pps / PROBE_BURST_DIV);
        p->next_slot = now;
        /* The hard end: twice the planned worst case, plus a second for
         * ENOBUFS back-offs. Nothing a peer does can stretch it. */
        p->deadline = now + 2 * pacer_max_time_us(n_targets, cfg) + 1000000u;
        return 0;
}

void pacer_done(struct pacer *p)
{
        free(p->tries);
        free(p->answered);
        free(p->q);
        p->tries = p->answered = NULL;
        p->q = NULL;
        p->q_len = 0;
}

static void q_pop(struct pacer *p)
{
        p->q_head = (p->q_head + 1) % p->n;
        p->q_len--;
}

static void q_push(struct pacer *p, uint32_t target, uint64_t due)
{
        /* Each target is in the queue at most once, so n slots suffice. */
        p->q[(p->q_head + p->q_len) % p->n] = (struct pacer_slot){ .target = target, .due = due };
        p->q_len++;
}

enum pacer_step pacer_next(struct pacer *p, uint64_t now, uint32_t *ret_target, uint64_t *ret_until)
{
        if (now >= p->deadline) {
                p->q_len = 0;
                return PACER_FINISHED;
        }
        for (;;) {
                if (!p->q_len)
                        return PACER_FINISHED;
                const struct pacer_slot *h = &p->q[p->q_head];
                if (p->answered[h->target]) {
                        q_pop(p);
                        continue;
                }
                if (h->due > now) {
                        *ret_until = h->due;
                        return PACER_WAIT;
                }
                if (p->tries[h->target] > p->cfg.retries) {
                        q_pop(p);       /* its last wait is over: nothing more to send */
                        continue;
                }
                break;
        }
        uint64_t at = p->next_slot > p->blocked_until ? p->next_slot : p->blocked_until;
        if (at > now) {
                *ret_until = at;
                return PACER_WAIT;
        }
        *ret_target = p->q[p->q_head].target;
        return PACER_SEND;
}

void pacer_sent(struct pacer *p, uint32_t target, uint64_t now)
{
        if (!p->q_len || p->q[p->q_head].target != target)
                return;         /* not the target pacer_next() handed out */
        q_pop(p);
        p->tries[target]++;
        q_push(p, target, now + p->cfg.timeout_us);
        p->sent++;
        p->backoff_us = 0;
        p->next_slot += p->interval_us;
        if (p->next_slot + p->burst_us < now)
                p->next_slot = now - p->burst_us;
}

void pacer_blocked(struct pacer *p, uint64_t now)
{
        p->blocked++;
        p->backoff_us = p->backoff_us ? p->backoff_us * 2 : PROBE_BACKOFF_MIN_US;
        if (p->backoff_us > PROBE_BACKOFF_MAX_US)
                p->backoff_us = PROBE_BACKOFF_MAX_US;
        p->blocked_until = now + p->backoff_us;
        /* The queue was full: do not make up for the lost time afterwards. */
        if (p->next_slot < p->blocked_until)
                p->next_slot = p->blocked_until;
}

void pacer_answered(struct pacer *p, uint32_t target)
{
        if (target < p->n && !p->answered[target]) {
                p->answered[target] = 1;
                p->n_answered++;
        }
}

uint64_t pacer_max_packets(uint32_t n_targets, const struct pacer_cfg *cfg)
{
        return (uint64_t)n_targets * (1u + cfg->retries);
}

uint64_t pacer_max_time_us(uint32_t n_targets, const struct pacer_cfg *cfg)
{
        /* Every packet at the rate, plus each round's wait at worst in full
         * (a small sweep waits out the timeout between its rounds). */
        uint64_t send = pacer_max_packets(n_targets, cfg) * 1000000u / cfg->rate_pps;
        return send + (1u + cfg->retries) * cfg->timeout_us;
}
