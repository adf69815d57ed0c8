-- Rate limits of API v1 (docs/decisions/025-api-rate-limits.md).

-- A key's own sustained rate in requests a second; NULL means the platform default. Bursts are two
-- seconds' worth of the rate. Set by the platform operator (CLI), not by the clinic.
ALTER TABLE api_keys ADD COLUMN rate_limit_per_second integer;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_rate_limit_per_second CHECK (rate_limit_per_second BETWEEN 1 AND 100000);

-- The shared truth of each token bucket: 'key:<api key id>' or 'ip:<address or IPv6 /64>'. Every
-- app process leases tokens from here in batches and spends them locally, so a busy key costs a
-- few statements a second, not one per request.
--
-- A platform table without clinic_id on purpose: an address is limited across every clinic's host
-- (one client flooding several clinics is still one client), a key id is unique on its own, and a
-- row holds no clinic data, only a counter. Rows idle for an hour are full buckets, which is the
-- same as no row; housekeeping removes them. No index besides the key, so updates stay HOT.
CREATE TABLE api_rate_buckets (
  bucket text PRIMARY KEY,
  tokens double precision NOT NULL,
  refilled_at timestamptz(3) NOT NULL,
  CONSTRAINT api_rate_buckets_bucket CHECK (length(bucket) BETWEEN 1 AND 100)
);

-- Leases up to p_want whole tokens from a bucket in one atomic statement: refill by the time since
-- the last lease (capped at the burst), take what is there up to p_want, and say what is left. The
-- caller's clock is used (p_now), so time can be injected; a clock behind the bucket's refills nothing.
CREATE FUNCTION take_rate_tokens(p_bucket text, p_rate double precision, p_burst double precision, p_want integer, p_now timestamptz)
RETURNS TABLE (granted integer, remaining double precision)
LANGUAGE plpgsql AS $fn$
DECLARE
  current_tokens double precision;
  current_at timestamptz;
  available double precision;
BEGIN
  INSERT INTO api_rate_buckets (bucket, tokens, refilled_at) VALUES (p_bucket, p_burst, p_now) ON CONFLICT (bucket) DO NOTHING;
  SELECT b.tokens, b.refilled_at INTO current_tokens, current_at FROM api_rate_buckets b WHERE b.bucket = p_bucket FOR UPDATE;
  available := least(p_burst, current_tokens + p_rate * greatest(0, extract(epoch FROM p_now - current_at)));
  granted := greatest(0, least(p_want, floor(available)))::integer;
  remaining := available - granted;
  UPDATE api_rate_buckets b SET tokens = remaining, refilled_at = greatest(current_at, p_now) WHERE b.bucket = p_bucket;
  RETURN NEXT;
END $fn$;
