-- wrk script for bench/public_comments.py: POSTs public comments, each with a text of its own (a repeated text would be
-- recognised as a repeat and not stored again), on an article or on the draft as a whole as the Python load generator does.
-- Arguments after `--`: a prefix that keeps this run's texts apart from every other run's.

local threads = {}
local counter = 0
local prefix = "run"
local article_count = 120

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  prefix = (args[1] or "run") .. "-" .. tostring(id)
end

function request()
  counter = counter + 1
  local article = "null"
  if counter % 10 ~= 0 then
    article = tostring(counter % article_count + 1)
  end
  local body = string.format('{"article": %s, "text": "Ý kiến %s-%d: đề nghị cơ quan soạn thảo làm rõ phạm vi điều chỉnh, ' ..
    'thời hạn giải quyết thủ tục và trách nhiệm của cơ quan nhà nước có thẩm quyền; bổ sung quy định chuyển tiếp."}',
    article, prefix, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("wrk: %d requests, %d not 2xx, %d socket errors, latency p50 %.1f ms p99 %.1f ms\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
