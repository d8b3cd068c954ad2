-- Paces wrk: every connection waits 2 ms between requests. The check needs correct answers, not
-- peak load; unpaced, a dozen parallel runs of wrk saturate two cores and make timing noisy.
function delay()
   return 2
end
