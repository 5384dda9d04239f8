"""Export EfficientNet-Lite0 to the fp32 and int8 ONNX models under models/."""
