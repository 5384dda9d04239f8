-- What a person said the right class was; one row per prediction (a second answer replaces the first).
CREATE TABLE feedback (
    prediction_id uuid PRIMARY KEY REFERENCES predictions (id) ON DELETE CASCADE,
    label         text NOT NULL,
    class_index   integer,
    correct       boolean NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX feedback_received ON feedback (received_at DESC);
