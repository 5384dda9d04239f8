-- One row per answered image. The top-k, drift signals and stage timings are JSON: read whole, never joined.
CREATE TABLE predictions (
    id          uuid PRIMARY KEY,
    created_at  timestamptz NOT NULL,
    model       text NOT NULL,
    version     text NOT NULL,
    alias       text,
    route       text NOT NULL,
    label       text NOT NULL,
    class_index integer NOT NULL,
    confidence  double precision NOT NULL,
    entropy     double precision NOT NULL,
    top_k       jsonb NOT NULL,
    width       integer,
    height      integer,
    format      text,
    signals     jsonb NOT NULL DEFAULT '{}',
    timings     jsonb NOT NULL DEFAULT '{}',
    request_id  text,
    shadow      jsonb,
    thumbnail   bytea
);

-- Newest first, with the id as tie-breaker: the order of the list and of its cursor.
CREATE INDEX predictions_newest ON predictions (created_at DESC, id DESC);
CREATE INDEX predictions_model_newest ON predictions (model, version, created_at DESC);
