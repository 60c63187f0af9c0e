#!/usr/bin/env node
import { launch } from '../dist/launch.js';

await launch(import.meta.url);
