package httpapi

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, in a registry of its own.
type metrics struct {
	reg       *prometheus.Registry
	events    *prometheus.CounterVec
	repeats   prometheus.Counter
	batches   *prometheus.CounterVec
	conflicts prometheus.Counter
	gaps      prometheus.Counter
	pages     prometheus.Counter
	changes   prometheus.Counter
	duration  *prometheus.HistogramVec

	snapshots     prometheus.Counter
	authFailures  prometheus.Counter
	authRefused   prometheus.Counter
	budgetRefused prometheus.Counter
	inszLookups   prometheus.Counter
	inszRefused   prometheus.Counter
}

func newMetrics(engine string, budgetUsed func() float64) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ledger_events_ingested_total", Help: "New journal events stored, by verdict.",
		}, []string{"verdict"}),
		repeats: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_events_repeated_total", Help: "Events sent again and answered with their original verdict.",
		}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ledger_batches_total", Help: "Uploaded batches, by result: ok or the problem code.",
		}, []string{"result"}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_event_conflicts_total", Help: "Batches refused because an id or seq is stored with other content.",
		}),
		gaps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_sequence_gaps_total", Help: "Batches refused because they did not start where the ledger expects.",
		}),
		pages: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_change_pages_total", Help: "Pages of changes served.",
		}),
		changes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_changes_served_total", Help: "Changes served in pages.",
		}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ledger_http_request_duration_seconds", Help: "Time to answer a request, by route and status.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12),
		}, []string{"route", "status"}),
		snapshots: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_snapshots_served_total", Help: "Directory snapshots served for first downloads.",
		}),
		authFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_auth_failures_total", Help: "Requests with missing or wrong credentials, and enrolments with a bad token.",
		}),
		authRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_auth_refused_total", Help: "Requests refused because their address failed to sign in too often.",
		}),
		budgetRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "ledger_memory_budget_refused_total", Help: "Requests answered 503 because the bodies in hand used the memory budget.",
		}),
	}
	m.inszLookups = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ledger_insz_lookups_total", Help: "Look-ups of a holder by national register number from terminals.",
	})
	m.inszRefused = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "ledger_insz_lookups_refused_total", Help: "Look-ups by national register number refused: too many from one terminal.",
	})
	engineInfo := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "ledger_engine_info", Help: "The storage engine the ledger runs on.", ConstLabels: prometheus.Labels{"engine": engine},
	})
	engineInfo.Set(1)
	budget := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "ledger_memory_budget_used_bytes", Help: "Bytes of request and page bodies held now, of the memory budget.",
	}, budgetUsed)
	for _, v := range []string{"ACCEPTED", "ADJUSTED", "REJECTED"} {
		m.events.WithLabelValues(v)
	}
	m.reg.MustRegister(m.events, m.repeats, m.batches, m.conflicts, m.gaps, m.pages, m.changes, m.duration,
		m.snapshots, m.authFailures, m.authRefused, m.budgetRefused, m.inszLookups, m.inszRefused, engineInfo, budget,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
