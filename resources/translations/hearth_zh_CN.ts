<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutBox</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="270"/>
        <source>About {0}</source>
        <translation>关于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="273"/>
        <source>Run language models on your own machine.</source>
        <translation>在你自己的电脑上运行语言模型。</translation>
    </message>
</context>
<context>
    <name>ChatPane</name>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="85"/>
        <source>Search conversations (Ctrl+F)</source>
        <translation>搜索对话（Ctrl+F）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="86"/>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="96"/>
        <source>Conversations</source>
        <translation>对话列表</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="100"/>
        <location filename="../../desktop_app/ui/chat_pane.py" line="215"/>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="101"/>
        <source>New chat (Ctrl+N)</source>
        <translation>新对话（Ctrl+N）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="112"/>
        <source>Conversation title</source>
        <translation>对话标题</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="117"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="118"/>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="121"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="122"/>
        <source>Export the conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="125"/>
        <source>As Markdown…</source>
        <translation>Markdown 格式…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="126"/>
        <source>As JSON…</source>
        <translation>JSON 格式…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="140"/>
        <source>Message — Ctrl+Enter to send</source>
        <translation>输入消息 — 按 Ctrl+Enter 发送</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="141"/>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="144"/>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="145"/>
        <source>Send (Ctrl+Enter)</source>
        <translation>发送（Ctrl+Enter）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="147"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="148"/>
        <source>Stop the answer (Esc)</source>
        <translation>停止回答（Esc）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="150"/>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="242"/>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="243"/>
        <source>Export as Markdown…</source>
        <translation>导出为 Markdown…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="244"/>
        <source>Export as JSON…</source>
        <translation>导出为 JSON…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="246"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="253"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="253"/>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="274"/>
        <source>Deleted “{0}”</source>
        <translation>已删除“{0}”</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="300"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件 (*.md)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="300"/>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="302"/>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="312"/>
        <source>Exported to {0}</source>
        <translation>已导出到 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="340"/>
        <source>Load a model first.</source>
        <translation>请先加载模型。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="376"/>
        <source>Editing a message: Send replaces it and the turns after it. Esc cancels.</source>
        <translation>正在编辑消息：发送后将替换此消息及其后的所有对话轮次。按 Esc 取消。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/chat_pane.py" line="449"/>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
</context>
<context>
    <name>ConversationSettingsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="169"/>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="173"/>
        <source>For example: You are a concise assistant.</source>
        <translation>例如：你是一个言简意赅的助手。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="174"/>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="176"/>
        <source>System prompt:</source>
        <translation>系统提示词：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="179"/>
        <source>Preset</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="180"/>
        <source>Balanced</source>
        <translation>均衡</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="180"/>
        <source>Precise</source>
        <translation>精确</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="181"/>
        <source>Creative</source>
        <translation>创意</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="181"/>
        <source>Deterministic</source>
        <translation>确定性</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="182"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="187"/>
        <source>Preset:</source>
        <translation>预设：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="199"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="202"/>
        <source>Repeat penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="211"/>
        <source>Maximum answer length</source>
        <translation>最大回答长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="213"/>
        <source>random</source>
        <translation>随机</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="214"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="215"/>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="219"/>
        <source>Repeat penalty:</source>
        <translation>重复惩罚：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="220"/>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="221"/>
        <source>Max tokens:</source>
        <translation>最大词元数：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="225"/>
        <source>Drop the oldest turns (keep the system prompt)</source>
        <translation>丢弃最早的对话轮次（保留系统提示词）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="227"/>
        <source>Stop and say so</source>
        <translation>停止并提示</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="229"/>
        <source>When the conversation outgrows the context</source>
        <translation>对话超出上下文长度时</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="230"/>
        <source>When the context is full:</source>
        <translation>上下文已满时：</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="151"/>
        <source>Navigation</source>
        <translation>导航</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="157"/>
        <source>Chat</source>
        <translation>聊天</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="158"/>
        <location filename="../../desktop_app/ui/main_window.py" line="174"/>
        <source>Summarize</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="159"/>
        <location filename="../../desktop_app/ui/main_window.py" line="182"/>
        <source>Sentiment</source>
        <translation>情感分析</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="160"/>
        <location filename="../../desktop_app/ui/main_window.py" line="190"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="176"/>
        <source>Summaries of documents longer than the context arrive with the next release.</source>
        <translation>超出上下文长度的文档摘要功能将在下一版本中提供。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="184"/>
        <source>Sentiment analysis with real label probabilities arrives with the next release.</source>
        <translation>基于真实标签概率的情感分析将在下一版本中提供。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="192"/>
        <source>The model library, catalog and downloads arrive with the next release. Until then, open a GGUF file from the File menu.</source>
        <translation>模型库、模型目录和下载功能将在下一版本中提供。在此之前，请通过“文件”菜单打开 GGUF 文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="211"/>
        <source>Generation speed</source>
        <translation>生成速度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="214"/>
        <source>Context used</source>
        <translation>已用上下文</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="215"/>
        <source>context %v / %m</source>
        <translation>上下文 %v / %m</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="218"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="244"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="245"/>
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="249"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="253"/>
        <source>&amp;Settings</source>
        <translation>设置(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="254"/>
        <source>Preferences…</source>
        <translation>偏好设置…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="258"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="259"/>
        <source>About {0}</source>
        <translation>关于 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="311"/>
        <source>Could not load the model: {0}</source>
        <translation>无法加载模型：{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="316"/>
        <source>The engine stopped; load the model again. {0}</source>
        <translation>推理引擎已停止，请重新加载模型。{0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="321"/>
        <source>Open a GGUF model</source>
        <translation>打开 GGUF 模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="321"/>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="335"/>
        <source>Fetching the starter model…</source>
        <translation>正在获取入门模型…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="384"/>
        <source>{0:.1f} tokens/s · first token {1:.0f} ms</source>
        <translation>{0:.1f} 词元/秒 · 首词元 {1:.0f} 毫秒</translation>
    </message>
</context>
<context>
    <name>ModelBar</name>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="24"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="25"/>
        <location filename="../../desktop_app/ui/model_bar.py" line="106"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="26"/>
        <source>Load or unload the model</source>
        <translation>加载或卸载模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="28"/>
        <location filename="../../desktop_app/ui/model_bar.py" line="108"/>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="29"/>
        <source>Model status</source>
        <translation>模型状态</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="32"/>
        <source>Load options and preferences</source>
        <translation>加载选项与偏好设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="33"/>
        <source>Preferences</source>
        <translation>偏好设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="75"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="77"/>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="88"/>
        <source>Loading {0}… {1:.0f}% ({2:.0f} s)</source>
        <translation>正在加载 {0}… {1:.0f}%（{2:.0f} 秒）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="94"/>
        <source>Unload</source>
        <translation>卸载</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="96"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/model_bar.py" line="97"/>
        <source>{0} · {1} layers on GPU of {2} · context {3}</source>
        <translation>{0} · GPU 层 {1}/{2} · 上下文 {3}</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="50"/>
        <source>Preferences</source>
        <translation>偏好设置</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="59"/>
        <source>Context size</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="60"/>
        <source>Context size (tokens):</source>
        <translation>上下文长度（词元）：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="64"/>
        <source>GPU layers</source>
        <translation>GPU 层数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="65"/>
        <source>Auto (as many as fit)</source>
        <translation>自动（尽可能多）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="65"/>
        <source>All layers</source>
        <translation>全部层</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="66"/>
        <source>None (CPU only)</source>
        <translation>无（仅 CPU）</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="66"/>
        <source>A number of layers</source>
        <translation>指定层数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="70"/>
        <source>Number of GPU layers</source>
        <translation>指定的 GPU 层数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="80"/>
        <source>GPU layers:</source>
        <translation>GPU 层数：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="85"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="87"/>
        <source>CPU threads</source>
        <translation>CPU 线程数</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="88"/>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="92"/>
        <source>Auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="92"/>
        <source>On</source>
        <translation>开启</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="92"/>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="96"/>
        <source>Flash attention</source>
        <translation>Flash Attention</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="97"/>
        <source>Flash attention:</source>
        <translation>Flash Attention：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="103"/>
        <source>KV-cache type</source>
        <translation>KV 缓存类型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="104"/>
        <source>KV-cache type:</source>
        <translation>KV 缓存类型：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="108"/>
        <location filename="../../desktop_app/ui/dialogs.py" line="121"/>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="116"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="117"/>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="122"/>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="123"/>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="127"/>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="128"/>
        <source>Theme:</source>
        <translation>主题：</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/dialogs.py" line="130"/>
        <source>Load options apply the next time a model is loaded.</source>
        <translation>加载选项将在下次加载模型时生效。</translation>
    </message>
</context>
<context>
    <name>Transcript</name>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="35"/>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="111"/>
        <source>You</source>
        <translation>你</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="113"/>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="115"/>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="117"/>
        <location filename="../../desktop_app/ui/transcript.py" line="134"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="120"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="175"/>
        <source>Code copied</source>
        <translation>代码已复制</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/transcript.py" line="180"/>
        <source>Message copied</source>
        <translation>消息已复制</translation>
    </message>
</context>
<context>
    <name>WelcomePage</name>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="49"/>
        <source>Welcome to {0}</source>
        <translation>欢迎使用 {0}</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="56"/>
        <source>Chat, summarize and analyse text with a language model that runs on this computer. Nothing you type leaves it.

To begin, get the small starter model (SmolLM2-135M-Instruct, 98 MB, Apache-2.0) or open a GGUF model file you already have.</source>
        <translation>使用在本机运行的语言模型进行聊天、摘要和文本分析。你输入的任何内容都不会离开这台电脑。

开始前，请获取小巧的入门模型（SmolLM2-135M-Instruct，98 MB，Apache-2.0），或打开你已有的 GGUF 模型文件。</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="62"/>
        <location filename="../../desktop_app/ui/main_window.py" line="63"/>
        <source>Get the starter model</source>
        <translation>获取入门模型</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="65"/>
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="66"/>
        <source>Open a GGUF file</source>
        <translation>打开 GGUF 文件</translation>
    </message>
</context>
</TS>
