package redisstore

import "github.com/redis/go-redis/v9"

// Every script gets the same KEYS: the entry's hash, then the flow's index
// sorted sets of pending, in-doubt, accepted and finished entries (scored by
// updated_at in microseconds). Naming every key it touches keeps a script
// valid on Redis Cluster when the prefix carries a hash tag. Times in ARGV
// and in the hash are Unix microseconds from the store's clock; a
// lease_until of "" means the lease was ended.
//
// Scripts answer "ok", "lost" (the lease is not the key's latest or was
// ended), "body" (a different body is kept), "empty" (an empty first body)
// or "state:<state>" (the state, "" for no entry, does not allow the
// write).

// prelude is shared by the scripts: index(state) is the KEYS slot of a
// state's index, and touch moves the entry to state at time now.
const prelude = `
local slots = {pending = 2, in_doubt = 3, accepted = 4, finished = 5}
local function touch(from, to, now)
	if from ~= to then
		redis.call('ZREM', KEYS[slots[from]], KEYS[1])
		redis.call('HSET', KEYS[1], 'state', to)
	end
	redis.call('HSET', KEYS[1], 'updated_at', now)
	redis.call('ZADD', KEYS[slots[to]], now, KEYS[1])
end
local function fenced(fence)
	local e = redis.call('HMGET', KEYS[1], 'state', 'fence', 'lease_until')
	if not e[1] or e[2] ~= fence or e[3] == '' then
		return nil
	end
	return e[1]
end
`

// claimScript creates a pending entry when absent, or takes over one that
// is pending or in doubt whose lease has ended or is owner's own. It
// returns {1, entry} on success and {0, entry} when refused, the entry as
// HGETALL gives it. ARGV: flow, source_id, revision, owner, until, now.
var claimScript = redis.NewScript(prelude + `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then
	redis.call('HSET', KEYS[1], 'flow', ARGV[1], 'source_id', ARGV[2],
		'revision', ARGV[3], 'state', 'pending', 'owner', ARGV[4], 'fence', 1,
		'lease_until', ARGV[5],
		'receipt_id', '', 'outcome', '', 'last_error', '', 'attempts', 0)
	touch('pending', 'pending', ARGV[6])
	return {1, redis.call('HGETALL', KEYS[1])}
end
if state ~= 'pending' and state ~= 'in_doubt' then
	return {0, redis.call('HGETALL', KEYS[1])}
end
local e = redis.call('HMGET', KEYS[1], 'owner', 'lease_until')
if e[2] ~= '' and tonumber(e[2]) > tonumber(ARGV[6]) and e[1] ~= ARGV[4] then
	return {0, redis.call('HGETALL', KEYS[1])}
end
redis.call('HINCRBY', KEYS[1], 'fence', 1)
redis.call('HSET', KEYS[1], 'owner', ARGV[4], 'lease_until', ARGV[5])
touch(state, state, ARGV[6])
return {1, redis.call('HGETALL', KEYS[1])}
`)

// markSendingScript keeps the body and moves the entry in doubt, counting
// an attempt. ARGV: fence, now, body.
var markSendingScript = redis.NewScript(prelude + `
local state = fenced(ARGV[1])
if not state then return 'lost' end
if state ~= 'pending' and state ~= 'in_doubt' then return 'state:' .. state end
local kept = redis.call('HGET', KEYS[1], 'body')
if kept and kept ~= ARGV[3] then return 'body' end
if not kept and ARGV[3] == '' then return 'empty' end
redis.call('HSET', KEYS[1], 'body', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'attempts', 1)
touch(state, 'in_doubt', ARGV[2])
return 'ok'
`)

// markNotSentScript moves an in-doubt entry back to pending with a reason.
// ARGV: fence, now, reason.
var markNotSentScript = redis.NewScript(prelude + `
local state = fenced(ARGV[1])
if not state then return 'lost' end
if state ~= 'in_doubt' then return 'state:' .. state end
redis.call('HSET', KEYS[1], 'last_error', ARGV[3])
touch(state, 'pending', ARGV[2])
return 'ok'
`)

// markInDoubtScript records a reason on an in-doubt entry. ARGV: fence,
// now, reason.
var markInDoubtScript = redis.NewScript(prelude + `
local state = fenced(ARGV[1])
if not state then return 'lost' end
if state ~= 'in_doubt' then return 'state:' .. state end
redis.call('HSET', KEYS[1], 'last_error', ARGV[3])
touch(state, state, ARGV[2])
return 'ok'
`)

// acceptScript records the receipt on an in-doubt entry, moves it to
// accepted and ends the lease. ARGV: fence, now, receipt_id.
var acceptScript = redis.NewScript(prelude + `
local state = fenced(ARGV[1])
if not state then return 'lost' end
if state ~= 'in_doubt' then return 'state:' .. state end
redis.call('HSET', KEYS[1], 'receipt_id', ARGV[3], 'lease_until', '')
touch(state, 'accepted', ARGV[2])
return 'ok'
`)

// releaseScript ends the lease without changing the state. ARGV: fence,
// now.
var releaseScript = redis.NewScript(prelude + `
local state = fenced(ARGV[1])
if not state then return 'lost' end
redis.call('HSET', KEYS[1], 'lease_until', '')
touch(state, state, ARGV[2])
return 'ok'
`)

// finishScript marks an accepted or in-doubt entry finished and ends any
// lease; a finished entry keeps its first outcome. It is not fenced.
// ARGV: outcome, now.
var finishScript = redis.NewScript(prelude + `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'state:' end
if state == 'finished' then return 'ok' end
if state ~= 'accepted' and state ~= 'in_doubt' then return 'state:' .. state end
redis.call('HSET', KEYS[1], 'outcome', ARGV[1], 'lease_until', '')
touch(state, 'finished', ARGV[2])
return 'ok'
`)
