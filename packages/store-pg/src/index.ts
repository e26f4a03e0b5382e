/** @module The Postgres Store for edusync. */
export {}
