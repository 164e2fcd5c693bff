/**
 * Generated from specs/contracts/openapi.yaml by openapi-typescript: do not edit.
 * Regenerate with `pnpm client:types` after the contract changes (a test fails while this file is stale).
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The process is alive */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The service can reach its database and is not overloaded */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            status: string;
                        };
                    };
                };
                /** @description Service Unavailable */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/problem+json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/oauth-protected-resource": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OAuth protected resource metadata of the MCP endpoint (RFC 9728)
         * @description No authentication. Tells MCP clients that `/mcp` takes a bearer token in the Authorization header, and from where.
         */
        get: operations["getProtectedResourceMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/oauth-protected-resource/mcp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OAuth protected resource metadata of the MCP endpoint (RFC 9728)
         * @description No authentication. Tells MCP clients that `/mcp` takes a bearer token in the Authorization header, and from where.
         */
        get: operations["getMcpProtectedResourceMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's tasks
         * @description A plain array, in pages; `Link: <…>; rel="next"` is present when more tasks follow. Filters combine (AND).
         */
        get: operations["listTasks"];
        put?: never;
        /**
         * Create a task
         * @description With `Idempotency-Key`, a retry of the same request returns the first answer and creates nothing.
         */
        post: operations["createTask"];
        /**
         * Delete the caller's completed tasks
         * @description Only with `?status=completed`; any other or missing status is 422.
         */
        delete: operations["clearCompletedTasks"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Count the caller's tasks */
        get: operations["getTaskStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Complete or reopen many tasks at once
         * @description Answers with the tasks whose state changed, by id. Tasks that are missing, not yours, or already in that state are left as they are and not listed.
         */
        patch: operations["setCompletionOfTasks"];
        trace?: never;
    };
    "/api/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one task */
        get: operations["getTask"];
        /**
         * Update the fields given (as PATCH)
         * @description Exactly like PATCH: every field is optional, and fields left out keep their value (many frontends send partial PUTs; an older client never erases what a newer one set).
         */
        put: operations["replaceTask"];
        post?: never;
        /** Delete a task */
        delete: operations["deleteTask"];
        options?: never;
        head?: never;
        /** Change the fields given */
        patch: operations["updateTask"];
        trace?: never;
    };
    "/api/tasks/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Flip or set completion
         * @description No body (an empty JSON body included) or `{}` flips `completed`; `{"completed": bool}` sets it.
         */
        patch: operations["setTaskCompletion"];
        trace?: never;
    };
    "/api/{user_id}/tasks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's tasks
         * @description A plain array, in pages; `Link: <…>; rel="next"` is present when more tasks follow. Filters combine (AND).
         */
        get: operations["listTasksForUser"];
        put?: never;
        /**
         * Create a task
         * @description With `Idempotency-Key`, a retry of the same request returns the first answer and creates nothing.
         */
        post: operations["createTaskForUser"];
        /**
         * Delete the caller's completed tasks
         * @description Only with `?status=completed`; any other or missing status is 422.
         */
        delete: operations["clearCompletedTasksForUser"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Count the caller's tasks */
        get: operations["getTaskStatsForUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Complete or reopen many tasks at once
         * @description Answers with the tasks whose state changed, by id. Tasks that are missing, not yours, or already in that state are left as they are and not listed.
         */
        patch: operations["setCompletionOfTasksForUser"];
        trace?: never;
    };
    "/api/{user_id}/tasks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one task */
        get: operations["getTaskForUser"];
        /**
         * Update the fields given (as PATCH)
         * @description Exactly like PATCH: every field is optional, and fields left out keep their value (many frontends send partial PUTs; an older client never erases what a newer one set).
         */
        put: operations["replaceTaskForUser"];
        post?: never;
        /** Delete a task */
        delete: operations["deleteTaskForUser"];
        options?: never;
        head?: never;
        /** Change the fields given */
        patch: operations["updateTaskForUser"];
        trace?: never;
    };
    "/api/{user_id}/tasks/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Flip or set completion
         * @description No body (an empty JSON body included) or `{}` flips `completed`; `{"completed": bool}` sets it.
         */
        patch: operations["setTaskCompletionForUser"];
        trace?: never;
    };
    "/api/tasks/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's changes since a cursor
         * @description Without `since`: every current task as an upsert (a full sync) and a cursor from which only later writes follow. With it: the writes after it, in commit order, each task once with its latest state. Apply the changes in order and follow `cursor` while `has_more`: the result is exactly what `GET /tasks` returns. An expired, malformed or foreign cursor is 410: start over without `since`.
         */
        get: operations["listTaskChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/tasks/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's changes, live (Server-Sent Events)
         * @description Each event is `event: change`, `id: <cursor after it>`, `data: <a Change>`. With `Last-Event-ID` (or `since`), what was missed is replayed first, with no gap and no duplicate; without, the stream starts now. A `: keep-alive` comment comes at least every 25 s. The stream ends when the token expires: reconnect with a fresh token and `Last-Event-ID`. At most 10 streams per user per instance (the 11th is 429). Read it with `fetch` (the token goes in the Authorization header).
         */
        get: operations["streamTaskEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's changes since a cursor
         * @description Without `since`: every current task as an upsert (a full sync) and a cursor from which only later writes follow. With it: the writes after it, in commit order, each task once with its latest state. Apply the changes in order and follow `cursor` while `has_more`: the result is exactly what `GET /tasks` returns. An expired, malformed or foreign cursor is 410: start over without `since`.
         */
        get: operations["listTaskChangesForUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/{user_id}/tasks/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's changes, live (Server-Sent Events)
         * @description Each event is `event: change`, `id: <cursor after it>`, `data: <a Change>`. With `Last-Event-ID` (or `since`), what was missed is replayed first, with no gap and no duplicate; without, the stream starts now. A `: keep-alive` comment comes at least every 25 s. The stream ends when the token expires: reconnect with a fresh token and `Last-Event-ID`. At most 10 streams per user per instance (the 11th is 429). Read it with `fetch` (the token goes in the Authorization header).
         */
        get: operations["streamTaskEventsForUser"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** Problem */
        Problem: {
            /** @description A URI naming the kind of problem. */
            type: string;
            /** @description A short summary of the kind of problem. */
            title: string;
            /** @description The HTTP status code. */
            status: number;
            /** @description What went wrong, safe to show to a user. On 422, each invalid field and what is wrong with it, joined by "; " (`title: must not be empty; priority: must be one of: low, medium, high`). */
            detail: string;
            /** @description On 422: each invalid field. */
            errors?: {
                /** @description The invalid field, as the request named it (`title`, `cursor`, `body`…). */
                field: string;
                message: string;
            }[];
        };
        /** Task */
        Task: {
            id: number;
            /** @description The owner: the token's user. Never taken from a request body. */
            user_id: string;
            title: string;
            description: string | null;
            completed: boolean;
            /**
             * @description `low`, `medium` or `high`.
             * @enum {unknown}
             */
            priority: "low" | "medium" | "high";
            /** @description Sorted without case; as first spelt. */
            tags: string[];
            /**
             * Format: date-time
             * @description ISO 8601, UTC, with milliseconds; or null.
             */
            due_date: string | null;
            /**
             * Format: date-time
             * @description When the task became completed; null while it is pending. Set by the server only.
             */
            completed_at: string | null;
            /**
             * Format: date-time
             * @description ISO 8601, UTC, with milliseconds.
             */
            created_at: string;
            /**
             * Format: date-time
             * @description ISO 8601, UTC, with milliseconds.
             */
            updated_at: string;
        };
        /** Change */
        Change: {
            /** @enum {string} */
            type: "upsert";
            task: components["schemas"]["Task"];
        } | {
            /** @enum {string} */
            type: "delete";
            /** @description The deleted task. */
            id: number;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getProtectedResourceMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The MCP endpoint: `<origin>/mcp`. */
                        resource: string;
                        /** @description Where to get a token: Better Auth's URL. Absent when none is configured. */
                        authorization_servers?: string[];
                        /** @description Tokens go in the Authorization header only. */
                        bearer_methods_supported: "header"[];
                        resource_name: string;
                    };
                };
            };
        };
    };
    getMcpProtectedResourceMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The MCP endpoint: `<origin>/mcp`. */
                        resource: string;
                        /** @description Where to get a token: Better Auth's URL. Absent when none is configured. */
                        authorization_servers?: string[];
                        /** @description Tokens go in the Authorization header only. */
                        bearer_methods_supported: "header"[];
                        resource_name: string;
                    };
                };
            };
        };
    };
    listTasks: {
        parameters: {
            query?: {
                status?: "all" | "pending" | "completed";
                /** @description `due_date`: tasks without one come last in both orders. `priority`: `desc` (the default order) puts high first. */
                sort?: "created" | "updated" | "title" | "due_date" | "priority";
                order?: "asc" | "desc";
                limit?: number;
                /** @description From the `Link: rel="next"` header of the previous page. */
                cursor?: string;
                /** @description Tasks of any of these priorities: comma-separated (`priority=high,medium`), or the parameter repeated. */
                priority?: string[];
                /** @description Tasks carrying all of these tags, compared without case: repeat the parameter (`tag=work&tag=home`). */
                tag?: string[];
                /** @description Words separated by spaces; each must appear, without case, in the title or the description (as a substring: `rent` finds "Rented"). `%`, `_` and `\` are plain characters. A blank `q` filters nothing. */
                q?: string;
                /** @description Tasks due at or after this instant. ISO 8601 with a time zone (encode `+` as %2B). */
                due_after?: string;
                /** @description Tasks due strictly before this instant. ISO 8601 with a time zone (encode `+` as %2B). */
                due_before?: string;
                /** @description `true`: pending tasks whose due date has passed; `false`: every other task. */
                overdue?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of tasks. */
            200: {
                headers: {
                    /** @description The next page: `<…&cursor=…>; rel="next"`, when more tasks follow. */
                    link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique string (a UUID): a retry with the same key and body within 24 hours returns the first answer (with `Idempotent-Replayed: true`) and creates nothing. Same key, other body: 422. While the first is running: 409. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description Defaults: priority `medium`, no tags, no due date. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Trimmed, then 1 to 200 characters.
                     * @example Pay rent
                     */
                    title: string;
                    /** @description Up to 1000 characters, or null. */
                    description?: string | null;
                    completed?: boolean;
                    /**
                     * @description `low`, `medium` or `high`.
                     * @enum {unknown}
                     */
                    priority?: "low" | "medium" | "high";
                    /**
                     * @description Up to 20 labels, each trimmed to 1 to 32 characters. Compared without case: a tag spelt like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.
                     * @example [
                     *       "work",
                     *       "Home"
                     *     ]
                     */
                    tags?: string[];
                    /**
                     * Format: date-time
                     * @description An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.
                     * @example 2026-01-31T17:00:00Z
                     */
                    due_date?: string | null;
                };
            };
        };
        responses: {
            /** @description Created (or, with `Idempotent-Replayed: true`, created by an earlier request). */
            201: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    /** @description The URL of the task. */
                    location?: string;
                    /** @description Present on a replayed answer. */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    clearCompletedTasks: {
        parameters: {
            query: {
                /** @description Required, and only `completed`: a bare `DELETE /tasks` never deletes everything. */
                status: "completed";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description How many completed tasks were deleted. */
                        deleted: number;
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTaskStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        total: number;
                        completed: number;
                        pending: number;
                        /** @description Pending tasks whose due date has passed. */
                        overdue: number;
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setCompletionOfTasks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description 1 to 200 task ids. Ids of tasks that do not exist or are not yours change nothing. */
                    ids: number[];
                    /** @description The state to set. */
                    completed: boolean;
                };
            };
        };
        responses: {
            /** @description The tasks changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you hold: 304 with no body while the task still has it. */
                "if-none-match"?: string;
            };
            path: {
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Not Modified: the task still has the ETag given in `If-None-Match`; no body. */
            304: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        /** @description The same as UpdateTask: every field is optional, and fields left out keep their value. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Trimmed, then 1 to 200 characters.
                     * @example Pay rent
                     */
                    title?: string;
                    /** @description Up to 1000 characters, or null. */
                    description?: string | null;
                    completed?: boolean;
                    /**
                     * @description `low`, `medium` or `high`.
                     * @enum {unknown}
                     */
                    priority?: "low" | "medium" | "high";
                    /**
                     * @description Up to 20 labels, each trimmed to 1 to 32 characters. Compared without case: a tag spelt like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.
                     * @example [
                     *       "work",
                     *       "Home"
                     *     ]
                     */
                    tags?: string[];
                    /**
                     * Format: date-time
                     * @description An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.
                     * @example 2026-01-31T17:00:00Z
                     */
                    due_date?: string | null;
                };
            };
        };
        responses: {
            /** @description The task as updated. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateTask: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        /** @description Only the fields given change. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Trimmed, then 1 to 200 characters.
                     * @example Pay rent
                     */
                    title?: string;
                    /** @description Up to 1000 characters, or null. */
                    description?: string | null;
                    completed?: boolean;
                    /**
                     * @description `low`, `medium` or `high`.
                     * @enum {unknown}
                     */
                    priority?: "low" | "medium" | "high";
                    /**
                     * @description Up to 20 labels, each trimmed to 1 to 32 characters. Compared without case: a tag spelt like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.
                     * @example [
                     *       "work",
                     *       "Home"
                     *     ]
                     */
                    tags?: string[];
                    /**
                     * Format: date-time
                     * @description An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.
                     * @example 2026-01-31T17:00:00Z
                     */
                    due_date?: string | null;
                };
            };
        };
        responses: {
            /** @description The task as updated. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setTaskCompletion: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        /** @description Omit the body, or send `{}`, to flip `completed`; send `{"completed": bool}` to set it. */
        requestBody: {
            content: {
                "application/json": {
                    completed?: boolean;
                } | null;
            };
        };
        responses: {
            /** @description The task as updated. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTasksForUser: {
        parameters: {
            query?: {
                status?: "all" | "pending" | "completed";
                /** @description `due_date`: tasks without one come last in both orders. `priority`: `desc` (the default order) puts high first. */
                sort?: "created" | "updated" | "title" | "due_date" | "priority";
                order?: "asc" | "desc";
                limit?: number;
                /** @description From the `Link: rel="next"` header of the previous page. */
                cursor?: string;
                /** @description Tasks of any of these priorities: comma-separated (`priority=high,medium`), or the parameter repeated. */
                priority?: string[];
                /** @description Tasks carrying all of these tags, compared without case: repeat the parameter (`tag=work&tag=home`). */
                tag?: string[];
                /** @description Words separated by spaces; each must appear, without case, in the title or the description (as a substring: `rent` finds "Rented"). `%`, `_` and `\` are plain characters. A blank `q` filters nothing. */
                q?: string;
                /** @description Tasks due at or after this instant. ISO 8601 with a time zone (encode `+` as %2B). */
                due_after?: string;
                /** @description Tasks due strictly before this instant. ISO 8601 with a time zone (encode `+` as %2B). */
                due_before?: string;
                /** @description `true`: pending tasks whose due date has passed; `false`: every other task. */
                overdue?: boolean;
            };
            header?: never;
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of tasks. */
            200: {
                headers: {
                    /** @description The next page: `<…&cursor=…>; rel="next"`, when more tasks follow. */
                    link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createTaskForUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description Any unique string (a UUID): a retry with the same key and body within 24 hours returns the first answer (with `Idempotent-Replayed: true`) and creates nothing. Same key, other body: 422. While the first is running: 409. */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        /** @description Defaults: priority `medium`, no tags, no due date. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Trimmed, then 1 to 200 characters.
                     * @example Pay rent
                     */
                    title: string;
                    /** @description Up to 1000 characters, or null. */
                    description?: string | null;
                    completed?: boolean;
                    /**
                     * @description `low`, `medium` or `high`.
                     * @enum {unknown}
                     */
                    priority?: "low" | "medium" | "high";
                    /**
                     * @description Up to 20 labels, each trimmed to 1 to 32 characters. Compared without case: a tag spelt like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.
                     * @example [
                     *       "work",
                     *       "Home"
                     *     ]
                     */
                    tags?: string[];
                    /**
                     * Format: date-time
                     * @description An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.
                     * @example 2026-01-31T17:00:00Z
                     */
                    due_date?: string | null;
                };
            };
        };
        responses: {
            /** @description Created (or, with `Idempotent-Replayed: true`, created by an earlier request). */
            201: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    /** @description The URL of the task. */
                    location?: string;
                    /** @description Present on a replayed answer. */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    clearCompletedTasksForUser: {
        parameters: {
            query: {
                /** @description Required, and only `completed`: a bare `DELETE /tasks` never deletes everything. */
                status: "completed";
            };
            header?: never;
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description How many completed tasks were deleted. */
                        deleted: number;
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTaskStatsForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        total: number;
                        completed: number;
                        pending: number;
                        /** @description Pending tasks whose due date has passed. */
                        overdue: number;
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setCompletionOfTasksForUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description 1 to 200 task ids. Ids of tasks that do not exist or are not yours change nothing. */
                    ids: number[];
                    /** @description The state to set. */
                    completed: boolean;
                };
            };
        };
        responses: {
            /** @description The tasks changed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"][];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTaskForUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you hold: 304 with no body while the task still has it. */
                "if-none-match"?: string;
            };
            path: {
                user_id: string;
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The task. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Not Modified: the task still has the ETag given in `If-None-Match`; no body. */
            304: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceTaskForUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                user_id: string;
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        /** @description The same as UpdateTask: every field is optional, and fields left out keep their value. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Trimmed, then 1 to 200 characters.
                     * @example Pay rent
                     */
                    title?: string;
                    /** @description Up to 1000 characters, or null. */
                    description?: string | null;
                    completed?: boolean;
                    /**
                     * @description `low`, `medium` or `high`.
                     * @enum {unknown}
                     */
                    priority?: "low" | "medium" | "high";
                    /**
                     * @description Up to 20 labels, each trimmed to 1 to 32 characters. Compared without case: a tag spelt like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.
                     * @example [
                     *       "work",
                     *       "Home"
                     *     ]
                     */
                    tags?: string[];
                    /**
                     * Format: date-time
                     * @description An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.
                     * @example 2026-01-31T17:00:00Z
                     */
                    due_date?: string | null;
                };
            };
        };
        responses: {
            /** @description The task as updated. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteTaskForUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                user_id: string;
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateTaskForUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                user_id: string;
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        /** @description Only the fields given change. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description Trimmed, then 1 to 200 characters.
                     * @example Pay rent
                     */
                    title?: string;
                    /** @description Up to 1000 characters, or null. */
                    description?: string | null;
                    completed?: boolean;
                    /**
                     * @description `low`, `medium` or `high`.
                     * @enum {unknown}
                     */
                    priority?: "low" | "medium" | "high";
                    /**
                     * @description Up to 20 labels, each trimmed to 1 to 32 characters. Compared without case: a tag spelt like one before it (`Work`, `work`) is the same tag, kept as first spelt. Returned sorted without case.
                     * @example [
                     *       "work",
                     *       "Home"
                     *     ]
                     */
                    tags?: string[];
                    /**
                     * Format: date-time
                     * @description An ISO 8601 date-time with a time zone (`2026-01-31T17:00:00Z`, `…+02:00`), or null for none.
                     * @example 2026-01-31T17:00:00Z
                     */
                    due_date?: string | null;
                };
            };
        };
        responses: {
            /** @description The task as updated. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setTaskCompletionForUser: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag you last read (`"3"`): the write happens only if the task is still at that version, else 412. `*` matches any version. Without it, writes go through as before. */
                "if-match"?: string;
            };
            path: {
                user_id: string;
                /** @description A positive integer. */
                id: number;
            };
            cookie?: never;
        };
        /** @description Omit the body, or send `{}`, to flip `completed`; send `{"completed": bool}` to set it. */
        requestBody: {
            content: {
                "application/json": {
                    completed?: boolean;
                } | null;
            };
        };
        responses: {
            /** @description The task as updated. */
            200: {
                headers: {
                    /** @description The task's entity tag: `If-None-Match` / `If-Match` take it back. */
                    etag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Task"];
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Precondition Failed */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Content Too Large */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTaskChanges: {
        parameters: {
            query?: {
                /** @description A cursor from an earlier answer (`cursor`) or event (`id`). Expired, malformed or another user's: 410. */
                since?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description In the order the writes committed; a task written several times appears once, at its latest write. */
                        changes: components["schemas"]["Change"][];
                        /** @description Pass it as `since` to read what follows. */
                        cursor: string;
                        /** @description More changes follow: read again from `cursor` at once. */
                        has_more: boolean;
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Gone */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamTaskEvents: {
        parameters: {
            query?: {
                /** @description A cursor from an earlier answer (`cursor`) or event (`id`). Expired, malformed or another user's: 410. */
                since?: string;
            };
            header?: {
                /** @description The `id` of the last event received: the stream replays what followed it, then goes live. Wins over `since`. */
                "last-event-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Gone */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTaskChangesForUser: {
        parameters: {
            query?: {
                /** @description A cursor from an earlier answer (`cursor`) or event (`id`). Expired, malformed or another user's: 410. */
                since?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description In the order the writes committed; a task written several times appears once, at its latest write. */
                        changes: components["schemas"]["Change"][];
                        /** @description Pass it as `since` to read what follows. */
                        cursor: string;
                        /** @description More changes follow: read again from `cursor` at once. */
                        has_more: boolean;
                    };
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Gone */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamTaskEventsForUser: {
        parameters: {
            query?: {
                /** @description A cursor from an earlier answer (`cursor`) or event (`id`). Expired, malformed or another user's: 410. */
                since?: string;
            };
            header?: {
                /** @description The `id` of the last event received: the stream replays what followed it, then goes live. Wins over `since`. */
                "last-event-id"?: string;
            };
            path: {
                /** @description Must be the token's user, else 403. */
                user_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Unauthorized */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Gone */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Content */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Too Many Requests */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
