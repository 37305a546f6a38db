import { Module } from '@nestjs/common';
import { AssistantController } from './assistant.controller.js';
import { FakeLlmController } from './fake-llm.controller.js';

/** An assistant endpoint that calls an LLM, and the fake provider it calls by default. */
@Module({ controllers: [AssistantController, FakeLlmController] })
export class AssistantModule {}
