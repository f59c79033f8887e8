-- The trace context (W3C traceparent) of the request that started each job, so that every run of the job, a resumed
-- one on another silo too, links its trace to that request. Kept 30 days (the supervisor purges older rows).
create table job_traces (
    kind text not null,
    id uuid not null,
    trace_parent text not null,
    started_at timestamptz not null default now(),
    primary key (kind, id)
);
