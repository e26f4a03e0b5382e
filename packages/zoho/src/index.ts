/** @module Zoho CRM adapter for edusync. */
export {}
