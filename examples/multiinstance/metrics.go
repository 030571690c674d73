package main

import (
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// counters are what the summary prints of one engine.
type counters struct {
	pushed     int64 // sends answered with a receipt
	inDoubt    int64 // sends whose outcome was unknown
	notSent    int64 // sends that certainly did not arrive
	reconciled int64 // in-doubt pushes settled
	applied    int64 // outcomes handed to the campus system
}

// counts is one engine's poll.Metrics, keeping its counters.
type counts struct {
	mu sync.Mutex
	c  counters
}

var _ poll.Metrics = (*counts)(nil)

func (c *counts) Add(name string, delta int64, attrs ...poll.Attr) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch result := attr(attrs, "result"); {
	case name == poll.MetricPushes && result == "accepted":
		c.c.pushed += delta
	case name == poll.MetricPushes && result == "in_doubt":
		c.c.inDoubt += delta
	case name == poll.MetricPushes && result == "not_sent":
		c.c.notSent += delta
	case name == poll.MetricReconciled:
		c.c.reconciled += delta
	case name == poll.MetricOutcomes && result == "applied":
		c.c.applied += delta
	}
}

func (c *counts) Observe(string, time.Duration, ...poll.Attr) {}

func (c *counts) snapshot() counters {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.c
}

func attr(attrs []poll.Attr, key string) string {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value
		}
	}
	return ""
}
