package krowoc

import "github.com/krowoc/krowoc/internal/sketch"

// FreeAnalyticsDays is how many days back a free user's analytics reach.
const FreeAnalyticsDays = 7

// AnalyticsHistoryDays returns how many days back a user of tier t sees
// usage analytics; 0 means their whole history.
func AnalyticsHistoryDays(t Tier) int {
	if t == TierFree || t == "" {
		return FreeAnalyticsDays
	}
	return 0
}

// UsageCounts are the summed numbers of a set of finished executions.
// Latency and time to first token are summed over the executions that have
// one (LatencyCount, TTFTCount); costs are micro-dollars.
type UsageCounts struct {
	Executions          int64
	Succeeded           int64
	Failed              int64
	Cancelled           int64
	TimedOut            int64
	InputTokens         int64
	OutputTokens        int64
	CachedInputTokens   int64
	CacheCreationTokens int64
	ReasoningTokens     int64
	CostMicros          int64
	LatencyCount        int64
	LatencySumMs        int64
	TTFTCount           int64
	TTFTSumMs           int64
}

// Add adds o to c.
func (c *UsageCounts) Add(o UsageCounts) {
	c.Executions += o.Executions
	c.Succeeded += o.Succeeded
	c.Failed += o.Failed
	c.Cancelled += o.Cancelled
	c.TimedOut += o.TimedOut
	c.InputTokens += o.InputTokens
	c.OutputTokens += o.OutputTokens
	c.CachedInputTokens += o.CachedInputTokens
	c.CacheCreationTokens += o.CacheCreationTokens
	c.ReasoningTokens += o.ReasoningTokens
	c.CostMicros += o.CostMicros
	c.LatencyCount += o.LatencyCount
	c.LatencySumMs += o.LatencySumMs
	c.TTFTCount += o.TTFTCount
	c.TTFTSumMs += o.TTFTSumMs
}

// Negate flips the sign of every count: what is taken back out.
func (c *UsageCounts) Negate() {
	*c = UsageCounts{
		Executions: -c.Executions, Succeeded: -c.Succeeded, Failed: -c.Failed, Cancelled: -c.Cancelled,
		TimedOut: -c.TimedOut, InputTokens: -c.InputTokens, OutputTokens: -c.OutputTokens,
		CachedInputTokens: -c.CachedInputTokens, CacheCreationTokens: -c.CacheCreationTokens,
		ReasoningTokens: -c.ReasoningTokens, CostMicros: -c.CostMicros, LatencyCount: -c.LatencyCount,
		LatencySumMs: -c.LatencySumMs, TTFTCount: -c.TTFTCount, TTFTSumMs: -c.TTFTSumMs,
	}
}

// UsageOf returns the counts of one finished execution; a running one
// counts nothing.
func UsageOf(x *Execution) UsageCounts {
	if x.Status == ExecRunning {
		return UsageCounts{}
	}
	c := UsageCounts{
		Executions:          1,
		InputTokens:         x.Usage.InputTokens,
		OutputTokens:        x.Usage.OutputTokens,
		CachedInputTokens:   x.Usage.CachedInputTokens,
		CacheCreationTokens: x.Usage.CacheCreationTokens,
		ReasoningTokens:     x.Usage.ReasoningTokens,
		CostMicros:          x.CostMicros,
	}
	switch x.Status {
	case ExecSucceeded:
		c.Succeeded = 1
	case ExecFailed:
		c.Failed = 1
	case ExecCancelled:
		c.Cancelled = 1
	case ExecTimedOut:
		c.TimedOut = 1
	}
	if x.LatencyMillis != nil {
		c.LatencyCount, c.LatencySumMs = 1, *x.LatencyMillis
	}
	if x.TTFTMillis != nil {
		c.TTFTCount, c.TTFTSumMs = 1, *x.TTFTMillis
	}
	return c
}

// UsageErrorCode is the code an execution's failure is counted under: its
// error code, or its status when it has none. Succeeded and running
// executions have none ("").
func UsageErrorCode(x *Execution) string {
	switch {
	case x.Status == ExecSucceeded || x.Status == ExecRunning:
		return ""
	case x.ErrorCode != "":
		return x.ErrorCode
	}
	return string(x.Status)
}

// UsageGroup is the usage of one group of executions: a breakdown row, a
// bucket of a time series, or a whole range. Only the fields the group was
// formed by are set; Latency and TTFT are nil unless percentiles were asked
// for.
type UsageGroup struct {
	// BucketMs is the start of the group's time bucket (ms since the
	// epoch), for series.
	BucketMs     int64
	PromptID     string
	Version      int // 0 is the draft
	Model        string
	Provider     string
	CredentialID string
	Counts       UsageCounts
	Latency      *sketch.Histogram
	TTFT         *sketch.Histogram
}

// ErrorCount is how many executions failed with one error code.
type ErrorCount struct {
	Code       string `json:"code"`
	Executions int64  `json:"executions"`
}
