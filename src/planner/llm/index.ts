// Public surface of the LLM planner.
export { createLlmPlanner, LLM_PLANNER_DEFAULTS, type LlmPlannerOptions, type StructuredOutputMode } from './llm-planner'
export { createChatClient, CHAT_DEFAULTS, LlmRequestRejectedError, LlmResponseTooLargeError, type ChatClient, type ChatClientOptions } from './chat-client'
export { summarizeWithLlm, type LlmSummary, type LlmSummaryInput, type SummarizeOptions } from './summarize'
export { buildPrompt, systemPrompt, type BuiltPrompt } from './prompt'
