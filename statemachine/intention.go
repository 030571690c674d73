package statemachine

// IntentionState is the status of a procurement intention (采购意向) as the
// host's 意向公开 screens show it. Its value is an English name; Label gives
// the Chinese status.
type IntentionState string

// Intention states.
const (
	// IntentionPending is 待公开: confirmed, not yet published.
	IntentionPending IntentionState = "pending"
	// IntentionNotRequired is 无需公开: the clerk decided not to publish.
	IntentionNotRequired IntentionState = "not_required"
	// IntentionPublishing is 采购监管平台发布中: waiting for the platform; the
	// engine pushes it once and polls its result.
	IntentionPublishing IntentionState = "publishing"
	// IntentionPublished is 已公开.
	IntentionPublished IntentionState = "published"
	// IntentionFailed is 发布失败: the platform refused it with a reason; the
	// clerk may edit it and push it again as the next revision.
	IntentionFailed IntentionState = "failed"
)

// IntentionEvent is something that happens to an intention: a button in the
// host's UI or an outcome the engine reads from the platform.
type IntentionEvent string

// Intention events.
const (
	// EventPushToPlatform is 推往采购监管平台, the 【确认,推往采购监管平台】
	// button; from 发布失败 it republishes as the next revision.
	EventPushToPlatform IntentionEvent = "push_to_platform"
	// EventManualPublish is 手动发布, the unchanged 【确认,手动发布】 path.
	EventManualPublish IntentionEvent = "manual_publish"
	// EventPlatformPublished is 平台发布成功, applied by the engine.
	EventPlatformPublished IntentionEvent = "platform_published"
	// EventPlatformFailed is 平台发布失败, applied by the engine.
	EventPlatformFailed IntentionEvent = "platform_failed"
	// EventEdit is 修改, allowed only before a push or after a failure.
	EventEdit IntentionEvent = "edit"
	// EventNotRequired is 无需公开.
	EventNotRequired IntentionEvent = "not_required"
)

var intentionStateLabels = labels[IntentionState]{
	IntentionPending:     "待公开",
	IntentionNotRequired: "无需公开",
	IntentionPublishing:  "采购监管平台发布中",
	IntentionPublished:   "已公开",
	IntentionFailed:      "发布失败",
}

var intentionEventLabels = labels[IntentionEvent]{
	EventPushToPlatform:    "推往采购监管平台",
	EventManualPublish:     "手动发布",
	EventPlatformPublished: "平台发布成功",
	EventPlatformFailed:    "平台发布失败",
	EventEdit:              "修改",
	EventNotRequired:       "无需公开",
}

// Intention is the procurement-intention flow. Facts are unused: no row has
// a guard, so Fire may be given nil.
var Intention = MustNew("intention", []Transition[IntentionState, IntentionEvent]{
	{From: IntentionPending, Event: EventPushToPlatform, To: IntentionPublishing},
	{
		From: IntentionFailed, Event: EventPushToPlatform, To: IntentionPublishing,
		NextRevision: true,
	},
	{From: IntentionPending, Event: EventManualPublish, To: IntentionPublished},
	{From: IntentionPublishing, Event: EventPlatformPublished, To: IntentionPublished},
	{From: IntentionPublishing, Event: EventPlatformFailed, To: IntentionFailed},
	{From: IntentionPending, Event: EventEdit, To: IntentionPending},
	{From: IntentionFailed, Event: EventEdit, To: IntentionFailed},
	{From: IntentionPending, Event: EventNotRequired, To: IntentionNotRequired},
}, IntentionPending)

// Label returns the Chinese status, such as "采购监管平台发布中"; "" for a
// value that is not an intention state.
func (s IntentionState) Label() string { return intentionStateLabels.of(s) }

// String returns the English name, such as "publishing".
func (s IntentionState) String() string { return string(s) }

// ParseIntentionState reads a status as the host stores it: the Chinese
// label or the English name. It fails with ErrUnknownLabel.
func ParseIntentionState(s string) (IntentionState, error) {
	return intentionStateLabels.parse("intention", "state", s, nil)
}

// Label returns the Chinese name of the event, such as "推往采购监管平台".
func (e IntentionEvent) Label() string { return intentionEventLabels.of(e) }

// String returns the English name, such as "push_to_platform".
func (e IntentionEvent) String() string { return string(e) }

// ParseIntentionEvent reads an event by its Chinese label or English name.
// It fails with ErrUnknownLabel.
func ParseIntentionEvent(s string) (IntentionEvent, error) {
	return intentionEventLabels.parse("intention", "event", s, nil)
}
