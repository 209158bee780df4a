-- Where each worker serves its own API (task logs, chunks), as it reported at enrolment.
ALTER TABLE node ADD COLUMN api_url TEXT;
